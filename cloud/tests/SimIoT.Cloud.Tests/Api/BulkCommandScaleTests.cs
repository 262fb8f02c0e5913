using System.Diagnostics;
using System.Net.Http.Json;
using SimIoT.Cloud.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>A bulk over 20,000 modems: one command each, made in batches while the store keeps answering.</summary>
public class BulkCommandScaleTests(ITestOutputHelper output)
{
    private const int Size = 20_000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_filter_over_twenty_thousand_modems_makes_one_command_each_and_only_for_this_organization(bool postgres)
    {
        await using var fleet = await FleetCloud.StartAsync(postgres);
        var now = DateTime.UtcNow;
        await fleet.Store.AddModemsAsync(FleetApiTests.Fleet(Size, 0x20_0000, now), CancellationToken.None);
        await fleet.Store.AddModemsAsync(FleetApiTests.Fleet(50, 0x40_0000, now, "globex"), CancellationToken.None);

        // Readers of the store while the bulk is made: the slowest of them tells how long it was held.
        using var stop = new CancellationTokenSource();
        var slowest = TimeSpan.Zero;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                await fleet.Cloud.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/modems?limit=1");
                var took = Stopwatch.GetElapsedTime(started);
                if (took > slowest) slowest = took;
                await Task.Delay(20);
            }
        });
        var clock = Stopwatch.StartNew();
        var accepted = await BulkCommandsTests.PostAsync(fleet.Cloud.Http, new { carrier = "Verizon", filter = new { } });
        clock.Stop();
        await stop.CancelAsync();
        await reader;
        output.WriteLine($"{(postgres ? "PostgreSQL" : "SQLite")}: bulk of {Size} commands made in {clock.ElapsedMilliseconds} ms; slowest concurrent page read {slowest.TotalMilliseconds:F0} ms");

        Assert.Equal(Size, accepted.GetProperty("total").GetInt32());
        var summary = await BulkCommandsTests.SummaryAsync(fleet.Cloud.Http, accepted.GetProperty("id").GetInt64());
        Assert.Equal(Size, summary.GetProperty("total").GetInt32());
        Assert.Equal(Size, summary.GetProperty("states").EnumerateObject().Sum(s => s.Value.GetInt32()));
        Assert.Empty(fleet.Cloud.Errors.Errors);
    }
}
