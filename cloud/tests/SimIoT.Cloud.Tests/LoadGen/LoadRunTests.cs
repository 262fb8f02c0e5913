using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;

namespace SimIoT.Cloud.Tests.LoadGen;

public class LoadRunTests
{
    [Fact]
    public async Task A_short_run_registers_its_modems_sends_and_reports_no_loss_and_latency()
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
        Assert.Contains("lost (never acked): 0", text);
        Assert.Matches(@"latency datagram->SSE: n=\d+ p50=", text);
        Assert.Equal(5, (await cloud.GetJsonAsync("/api/modems")).GetArrayLength());
    }
}
