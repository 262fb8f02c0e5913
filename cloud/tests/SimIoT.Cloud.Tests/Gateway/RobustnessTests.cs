using System.Net;
using System.Net.Sockets;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

public class RobustnessTests
{
    [Fact]
    public async Task Random_and_mutated_datagrams_interleaved_with_a_valid_stream_are_counted_and_every_valid_reading_is_stored()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xabc);
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(20261124);
        var t0 = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc);
        const int valid = 600;
        int bad = 0;
        byte[]? previous = null;
        for (int i = 0; i < valid; i++)
        {
            var frame = modem.Seal(FrameKind.UplinkData, V1Packet.IotData(3, t0.AddMilliseconds(i), TelemetryValues.Encode(i)).ToArray());
            modem.SendRaw(frame);
            for (int k = 0; k < 2; k++)
            {
                attacker.SendTo(Bad(random, frame, previous), new IPEndPoint(IPAddress.Loopback, cloud.Udp.Port));
                bad++;
            }
            previous = frame;
            if (i % 50 == 0) await Task.Delay(1); // stay within the socket buffer on a loaded CI machine
        }
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) + cloud.Metrics.DroppedCount >= valid + bad,
            "every datagram counted", TimeSpan.FromSeconds(30));
        Assert.Equal(valid, cloud.Metrics.DatagramCount(DatagramOutcome.Accepted));
        Assert.Equal(bad, cloud.Metrics.DroppedCount);
        Assert.True(cloud.Metrics.DatagramCount(DatagramOutcome.BadTag) > 0);
        Assert.True(cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) > 0);
        Assert.True(cloud.Metrics.DatagramCount(DatagramOutcome.LegacyDisabled) > 0);

        var stored = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp?maxPoints=100000"), j => j.GetArrayLength() >= valid, "all readings stored");
        Assert.Equal(Enumerable.Range(0, valid), stored.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()));
        Assert.Equal("ok", await cloud.Http.GetStringAsync("/healthz"));
        var metrics = await cloud.Http.GetStringAsync("/metrics");
        Assert.Contains("simiot_gateway_datagrams_total{outcome=\"bad-tag\"}", metrics);
    }

    // Garbage of every shape: random bytes, bit flips, truncations, extensions, replays, v1 look-alikes.
    private static byte[] Bad(Random random, byte[] frame, byte[]? previous)
    {
        switch (random.Next(7))
        {
            case 0:
                var noise = new byte[random.Next(0, 1400)];
                random.NextBytes(noise);
                if (noise.Length > 0 && noise[0] == SecureFrame.Magic) noise[0] = 0x55;
                return noise;
            case 1:
                var flipped = (byte[])frame.Clone();
                int at = random.Next(14, flipped.Length);
                flipped[at] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 2:
                return frame[..random.Next(1, frame.Length)];
            case 3:
                return [.. frame, (byte)random.Next(256)];
            case 4:
                return previous ?? frame;
            case 5:
                return V1Packet.IotData(3, DateTime.UtcNow, TelemetryValues.Encode(7)).ToArray();
            default:
                var otherModem = (byte[])frame.Clone();
                otherModem[9] ^= 0x40;
                return otherModem;
        }
    }
}
