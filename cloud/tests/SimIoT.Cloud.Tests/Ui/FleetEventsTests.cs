using System.Net.Http.Json;
using Microsoft.Playwright;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>The pages follow the event stream: visible rows change in place, and an acked switch shows its carrier with it.</summary>
public class FleetEventsTests
{
    [Fact]
    public async Task An_acked_switch_changes_the_visible_row_in_place_and_the_fleet_is_not_fetched_again()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5a1, "row-follower");
        await using var sender = Readings.Start(modem);
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            int listReads = 0;
            page.Request += (_, r) => { if (r.Method == "GET" && new Uri(r.Url).AbsolutePath == "/api/modems") Interlocked.Increment(ref listReads); };
            await page.GotoAsync(cloud.BaseAddress.ToString());
            var carrier = page.GetByTestId($"modem-{modem.Id}").GetByTestId("fleet-carrier");
            await Assertions.Expect(page.GetByTestId("live")).ToHaveTextAsync("live");
            await Assertions.Expect(carrier).ToBeVisibleAsync();
            int before = Volatile.Read(ref listReads);
            int ticks = int.Parse(await page.GetByTestId("fleet").Locator("tbody").GetAttributeAsync("data-ticks") ?? "0");

            var accepted = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
            accepted.EnsureSuccessStatusCode();
            await Assertions.Expect(carrier).ToHaveTextAsync("Verizon", new() { Timeout = 15000 });
            // Two ticks of the 5 s ager: longer than the old 3 s refetch, and nothing read the fleet again.
            await page.WaitForFunctionAsync($"() => Number(document.querySelector('[data-testid=fleet] tbody').dataset.ticks ?? 0) >= {ticks + 2}", null, new() { Timeout = 30000 });
            Assert.Equal(before, Volatile.Read(ref listReads));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task The_modem_page_never_shows_acked_beside_the_old_carrier()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5a2, "same-moment");
        await using var sender = Readings.Start(modem);
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
            await Assertions.Expect(page.GetByTestId("nickname")).ToHaveTextAsync("same-moment");
            await Assertions.Expect(page.GetByTestId("live")).ToHaveTextAsync("live");
            // After every task that changed the page (what the user could see), check the pair.
            await page.EvaluateAsync("""
                () => {
                  window.seen = [];
                  new MutationObserver(() => {
                    const state = document.querySelector('[data-testid=command-status]')?.dataset.state;
                    const carrier = document.querySelector('[data-testid=carrier]')?.textContent;
                    if (state) window.seen.push(state + ' ' + carrier);
                  }).observe(document.getElementById('view'), { subtree: true, childList: true, attributes: true, characterData: true });
                }
                """);
            await page.GetByTestId("switch-carrier").SelectOptionAsync("Verizon");
            await page.GetByTestId("switch-button").ClickAsync();
            await Assertions.Expect(page.GetByTestId("command-status")).ToHaveAttributeAsync("data-state", "acked", new() { Timeout = 15000 });
            var seen = await page.EvaluateAsync<string[]>("() => window.seen");
            Assert.Contains("acked Verizon", seen);
            Assert.All(seen.Where(s => s.StartsWith("acked", StringComparison.Ordinal)), s => Assert.Equal("acked Verizon", s));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>A modem sending a temperature reading every 100 ms, so its link stays fresh.</summary>
    internal sealed class Readings : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public static Readings Start(SimulatedModem modem)
        {
            var readings = new Readings();
            readings._loop = Task.Run(async () =>
            {
                for (int i = 0; !readings._stop.IsCancellationRequested; i++)
                {
                    modem.SendReading(DeviceCatalog.Temperature, DateTime.UtcNow, 2000 + i % 50);
                    await Task.Delay(100);
                }
            });
            return readings;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
