using Microsoft.Playwright;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>
/// Bulk carrier switches from the fleet page (POST /api/bulk-commands), with their progress read
/// from GET /api/bulk-commands/{id}, against real SIMs on UDP.
/// </summary>
public class BulkSwitchTests
{
    [Fact]
    public async Task Selected_rows_are_switched_in_one_bulk_whose_progress_counts_acked_and_nacked()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var agreeable = await cloud.AddModemAsync(0xb01, "bulk-yes");
        var refusing = await cloud.AddModemAsync(0xb02, "bulk-no");
        var untouched = await cloud.AddModemAsync(0xb03, "bulk-other");
        refusing.Refused.Add(Carrier.Verizon);
        await using var a = FleetEventsTests.Readings.Start(agreeable);
        await using var b = FleetEventsTests.Readings.Start(refusing);
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync(cloud.BaseAddress.ToString());
            await page.GetByTestId($"select-{agreeable.Id}").CheckAsync();
            await page.GetByTestId($"select-{refusing.Id}").CheckAsync();
            await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("2 selected.");
            await page.GetByTestId("bulk-carrier").SelectOptionAsync("Verizon");
            await page.GetByTestId("bulk-switch").ClickAsync();

            var progress = page.GetByTestId("bulk-progress");
            await Assertions.Expect(progress).ToHaveAttributeAsync("data-done", "true", new() { Timeout = 20000 });
            await Assertions.Expect(page.GetByTestId("bulk-acked")).ToHaveTextAsync("1");
            await Assertions.Expect(page.GetByTestId("bulk-nacked")).ToHaveTextAsync("1");
            await Assertions.Expect(page.GetByTestId("bulk-queued")).ToHaveTextAsync("0");
            await Assertions.Expect(progress).ToContainTextAsync("switch 2 modems to Verizon");
            await Assertions.Expect(page.GetByTestId($"modem-{agreeable.Id}").GetByTestId("fleet-carrier")).ToHaveTextAsync("Verizon");
            Assert.Empty((await cloud.GetJsonAsync($"/api/modems/{untouched.Id}/commands")).EnumerateArray());
            await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("No modem selected.");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task All_modems_matching_the_filter_are_switched_with_the_filter_not_a_list()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var first = await cloud.AddModemAsync(0xb11, "north-1");
        var second = await cloud.AddModemAsync(0xb12, "north-2");
        var south = await cloud.AddModemAsync(0xb13, "south-1");
        await using var a = FleetEventsTests.Readings.Start(first);
        await using var b = FleetEventsTests.Readings.Start(second);
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            string? bulkBody = null;
            page.Request += (_, r) => { if (r.Url.EndsWith("/api/bulk-commands", StringComparison.Ordinal)) bulkBody = r.PostData; };
            await page.GotoAsync(cloud.BaseAddress.ToString());
            await page.GetByTestId("fleet-search").FillAsync("north");
            await page.GetByTestId("fleet-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("2 modems");
            await page.GetByTestId("select-all-matching").ClickAsync();
            await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("All 2 modems matching the filter selected.");
            await page.GetByTestId("bulk-carrier").SelectOptionAsync("T-Mobile");
            await page.GetByTestId("bulk-switch").ClickAsync();

            await Assertions.Expect(page.GetByTestId("bulk-progress")).ToHaveAttributeAsync("data-done", "true", new() { Timeout = 20000 });
            await Assertions.Expect(page.GetByTestId("bulk-acked")).ToHaveTextAsync("2");
            await Assertions.Expect(page.GetByTestId("bulk-progress")).ToContainTextAsync("switch 2 modems to T-Mobile");
            Assert.Contains("\"filter\":{\"q\":\"north\"}", bulkBody, StringComparison.Ordinal);
            Assert.Empty((await cloud.GetJsonAsync($"/api/modems/{south.Id}/commands")).EnumerateArray());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
