using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V3;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>The gateway takes v3 frames (compact readings, as the SIM fills them across SUBMITs) next to v2, into the same store.</summary>
public class CompactFrameTests
{
    private static readonly DateTime T0 = new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560);

    private static byte[] Blocks(params V1Packet[] readings)
    {
        var blocks = new byte[1000];
        int length = 0, done = 0;
        while (done < readings.Length)
        {
            length += CompactReadings.WriteBlock(readings.AsSpan(done), blocks.AsSpan(length, 255), out int taken);
            done += taken;
        }
        return blocks[..length];
    }

    [Fact]
    public async Task Readings_of_a_v3_frame_are_acked_and_stored_like_v2_ones()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x3d2);
        var readings = Enumerable.Range(0, 60).Select(i => V1Packet.IotData(1, T0.AddMilliseconds(10 * i), TelemetryValues.Encode(i, -i * 1000, 100_000 + i))).ToList();
        readings.Add(V1Packet.IotData(3, T0.AddMilliseconds(5), TelemetryValues.Encode(2345)));
        readings.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));

        uint v2 = modem.SendReading(3, T0.AddSeconds(-1), 2100);
        uint v3 = modem.SendCompact(Blocks([.. readings]));
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(v3) && modem.LastAck.Acknowledges(v2), "both frames acked");

        var imu = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/imu?maxPoints=1000"), j => j.GetArrayLength() == 60, "60 imu points stored");
        Assert.Equal("2026-12-01T03:00:00.123456", imu[0].GetProperty("timestamp").GetString());
        Assert.Equal([59, -59_000, 100_059], imu[59].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("2026-12-01T03:00:00.713456", imu[59].GetProperty("timestamp").GetString());
        var temp = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp"), j => j.GetArrayLength() == 2, "the v2 and the v3 temperature stored");
        Assert.Equal([2100, 2345], temp.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));
        Assert.Equal(2, cloud.Metrics.DatagramCount(DatagramOutcome.Accepted));
    }

    [Fact]
    public async Task A_v3_frame_with_a_malformed_block_is_counted_and_its_good_readings_kept()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x3d3);
        var good = Blocks(V1Packet.IotData(3, T0, TelemetryValues.Encode(2001)));
        uint seq = modem.SendCompact([.. good, 0x00, 0x06]); // a second block cut short
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.MalformedPayload) == 1, "the frame is counted malformed");
        var temp = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp"), j => j.GetArrayLength() == 1, "the reading before the bad block stored");
        Assert.Equal(2001, temp[0].GetProperty("data").GetInt32());
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(seq), "an authentic frame is acked even when malformed, so the edge stops resending it");
    }
}
