using System.Text.Json;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

public class TelemetryEndToEndTests
{
    [Fact]
    public async Task Readings_over_udp_are_acked_stored_queryable_and_streamed()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x4d2);
        await using var sse = await SseClient.ConnectAsync(cloud.Http);
        var t0 = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);

        modem.SendReading(3, t0, 2150);
        var streamed = await sse.NextAsync("telemetry");
        Assert.Equal("temp", streamed.GetProperty("sensor").GetString());
        Assert.Equal("00000000000004d2", streamed.GetProperty("modemId").GetString());
        Assert.Equal("2026-11-24T10:00:00.000000", streamed.GetProperty("point").GetProperty("timestamp").GetString());
        Assert.Equal(2150, streamed.GetProperty("point").GetProperty("data").GetInt32());

        uint last = 0;
        for (int i = 1; i <= 20; i++) last = modem.SendData(V1Packet.IotData(1, t0.AddSeconds(i), Protocol.Telemetry.TelemetryValues.Encode(i, -i, 1000)));
        // The last frame of a burst is acked even though acks are coalesced.
        await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(last), "the last frame is acked");
        Assert.True(modem.AcksReceived < 21, $"acks are coalesced ({modem.AcksReceived} acks for 21 frames)");

        var imu = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/imu"), j => j.GetArrayLength() == 20, "20 imu points stored");
        Assert.Equal("2026-11-24T10:00:01.000000", imu[0].GetProperty("timestamp").GetString());
        Assert.Equal(1, imu[0].GetProperty("data").GetInt32());
        Assert.Equal([1, -1, 1000], imu[0].GetProperty("values").EnumerateArray().Select(v => v.GetInt32()));

        var downsampled = await cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/imu?maxPoints=5");
        Assert.InRange(downsampled.GetArrayLength(), 1, 5);
        var window = await cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/imu?from=2026-11-24T10:00:05Z&to=2026-11-24T10:00:07Z");
        Assert.Equal([5, 6, 7], window.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));
        Assert.Equal(21, cloud.Metrics.DatagramCount(DatagramOutcome.Accepted));

        var listed = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}"), j => j.GetProperty("lastSeen").ValueKind == JsonValueKind.String, "last seen flushed");
        Assert.Equal("fresh", listed.GetProperty("link").GetString());
        Assert.Equal("v2", listed.GetProperty("protocol").GetString());
    }

    [Fact]
    public async Task Stopping_stores_what_was_already_received()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x77);
        var t0 = DateTime.UtcNow;
        for (int i = 0; i < 2000; i++) modem.SendReading(3, t0.AddMilliseconds(i), i);
        await Eventually.TrueAsync(() => cloud.Metrics.Readings + cloud.Metrics.DroppedCount >= 2000, "the gateway received every datagram");
        await cloud.StopAsync();

        await using var again = await CloudHarness.StartAsync(dataDir: cloud.DataDir);
        var stored = await again.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp?maxPoints=100000");
        Assert.Equal(2000, stored.GetArrayLength());
    }

    [Fact]
    public async Task Downlink_sequence_never_repeats_across_a_restart()
    {
        var dataDir = Directory.CreateTempSubdirectory("simiot-seq").FullName;
        uint before, after, uplink;
        byte[] key;
        await using (var cloud = await CloudHarness.StartAsync(dataDir: dataDir))
        {
            var modem = await cloud.AddModemAsync(0x99);
            uint seq = modem.SendData();
            await Eventually.TrueAsync(() => modem.LastAck.Acknowledges(seq), "first ack");
            before = modem.LastDownlinkSequence;
            uplink = modem.LastSequence;
            key = modem.MasterKey;
            Assert.True(before >= 1);
        }
        // A new cloud on the same data: the first downlink after the restart must be above every earlier one.
        await using (var cloud = await CloudHarness.StartAsync(dataDir: dataDir))
        {
            using var modem = new SimIoT.LoadGen.SimulatedModem(new ModemId(0x99), key, cloud.Udp) { LastSequence = uplink };
            modem.SendData();
            await Eventually.TrueAsync(() => modem.AcksReceived > 0, "an ack after the restart");
            after = modem.LastDownlinkSequence;
        }
        Assert.True(after > before, $"downlink sequence after restart {after} must exceed {before}");
        Directory.Delete(dataDir, true);
    }
}
