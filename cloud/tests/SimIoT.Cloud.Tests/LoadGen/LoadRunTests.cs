using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;

namespace SimIoT.Cloud.Tests.LoadGen;

public class LoadRunTests
{
    [Fact]
    public async Task A_short_run_registers_its_modems_sends_and_every_reading_it_saw_acked_is_stored()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var output = new StringWriter();
        var options = new LoadOptions
        {
            Modems = 5,
            Rate = 40,
            Duration = TimeSpan.FromSeconds(2),
            Gateway = $"127.0.0.1:{cloud.Udp.Port}",
            Api = cloud.BaseAddress,
            Token = cloud.Token,
        };
        Assert.Equal(0, await new LoadRun(options, output).RunAsync(CancellationToken.None));
        var text = output.ToString();
        Assert.Contains("registered 5 modems", text);
        var sent = long.Parse(System.Text.RegularExpressions.Regex.Match(text, @"sent: (\d+) datagrams").Groups[1].Value);
        Assert.InRange(sent, 300, 420);
        Assert.Contains($"gateway accepted: {sent} (lost before or at the gateway: 0)", text);
        // What the design guarantees: a frame is acked only once its reading is stored, so the store
        // holds at least every acked reading, right now. (Frames not acked yet under load are kept
        // and resent by a real edge; the load generator only counts them.)
        var acked = long.Parse(System.Text.RegularExpressions.Regex.Match(text, @"received \(acked by the gateway\): (\d+)").Groups[1].Value);
        Assert.True(acked > 0, text);
        long stored = 0;
        var now = DateTime.UtcNow;
        for (ulong i = 0; i < (ulong)options.Modems; i++)
        {
            foreach (var sensor in new[] { "temp", "imu", "gyro" })
                stored += (await cloud.GetJsonAsync($"/api/modems/{new SimIoT.Protocol.V2.ModemId(options.FirstId + i)}/telemetry/{sensor}?maxPoints=100000&from={now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}&to={now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}")).GetArrayLength();
        }
        Assert.True(stored >= acked, $"{stored} readings stored, {acked} acked:\n{text}");
        Assert.Matches(@"latency datagram->SSE: n=\d+ p50=", text);
        Assert.Equal(5, (await cloud.GetJsonAsync("/api/modems")).GetArrayLength());
    }
}
