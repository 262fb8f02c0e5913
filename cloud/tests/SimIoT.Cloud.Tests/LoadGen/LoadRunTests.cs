using System.Net.Http.Json;
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
        var options = For(cloud, modems: 5, rate: 40, TimeSpan.FromSeconds(2));
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

    [Fact]
    public async Task Latency_counts_only_the_runs_own_modems()
    {
        await using var cloud = await CloudHarness.StartAsync();
        // Another modem on the same cloud whose readings carry an old clock (an edge replaying its backlog).
        var other = await cloud.AddModemAsync(0x6101, "other");
        using var stop = new CancellationTokenSource();
        var backlog = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                other.SendReading(SimIoT.Protocol.Telemetry.DeviceCatalog.Temperature, DateTime.UtcNow.AddDays(-22), 2000);
                await Task.Delay(20);
            }
        });
        var output = new StringWriter();
        var options = For(cloud, modems: 2, rate: 20, TimeSpan.FromSeconds(2));
        Assert.Equal(0, await new LoadRun(options, output).RunAsync(CancellationToken.None));
        stop.Cancel();
        await backlog;
        var text = output.ToString();
        var latency = System.Text.RegularExpressions.Regex.Match(text, @"latency datagram->SSE: n=(\d+) .* max=([\d.]+) ms");
        Assert.True(latency.Success, text);
        Assert.True(long.Parse(latency.Groups[1].Value) > 0, text);
        // The other modem's readings are 22 days old; one of them in the figures would show as such.
        Assert.True(double.Parse(latency.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) < 60_000, text);
        Assert.True(cloud.Metrics.Readings > 0);
    }

    [Fact]
    public async Task A_command_result_during_a_run_is_not_counted_as_a_reading()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var output = new StringWriter();
        var options = For(cloud, modems: 2, rate: 20, TimeSpan.FromSeconds(3)) with { Latency = false };
        var run = new LoadRun(options, output);
        var running = run.RunAsync(CancellationToken.None);
        await run.Sending;
        var first = new SimIoT.Protocol.V2.ModemId(options.FirstId);
        var switched = await cloud.Http.PostAsJsonAsync($"/api/modems/{first}/carrier-switch", new { carrier = "Verizon" });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, switched.StatusCode);
        var command = await switched.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = command.GetProperty("id").GetUInt32();
        await Eventually.ValueAsync(async () => (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("state").GetString(), s => s == "acked", "the modem acked the switch");
        Assert.Equal(0, await running);
        var text = output.ToString();
        Assert.Contains($"modem {first}: command {id}", text);
        var sent = long.Parse(System.Text.RegularExpressions.Regex.Match(text, @"sent: (\d+) datagrams").Groups[1].Value);
        // The result frame was accepted and acked too, but it is not one of the readings sent.
        Assert.Contains($"gateway accepted: {sent} (lost before or at the gateway: 0)", text);
        var lost = long.Parse(System.Text.RegularExpressions.Regex.Match(text, @"lost \(never acked\): (-?\d+)").Groups[1].Value);
        Assert.InRange(lost, 0, sent);
    }

    private static LoadOptions For(CloudHarness cloud, int modems, double rate, TimeSpan duration) => new()
    {
        Modems = modems,
        Rate = rate,
        Duration = duration,
        Gateway = $"127.0.0.1:{cloud.Udp.Port}",
        Api = cloud.BaseAddress,
        Token = cloud.Token,
    };
}
