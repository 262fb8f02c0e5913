using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>
/// The fleet page reads a page again on events (the stream opening, a modem registered) while the
/// operator may be applying a filter: an answer to an earlier read that comes back last must not
/// replace the filtered page or its count.
/// </summary>
public class FleetLateAnswerTests
{
    [Fact]
    public async Task An_unfiltered_page_answered_after_the_filtered_one_is_not_drawn()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var tagged = await cloud.AddModemAsync(0x7b1, "tagged");
        await cloud.AddModemAsync(0x7b2, "untagged");
        var patched = await cloud.Http.PatchAsJsonAsync($"/api/modems/{tagged.Id}", new { tags = new[] { "pilot" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            // The page's first read of the whole fleet is held until the filtered page is on screen.
            var held = await HeldRoute.StartAsync(page, new Regex(@"/api/modems\?"), limit: 1, hold: r => !r.Url.Contains("tag="));

            await page.GotoAsync(cloud.BaseAddress.ToString());
            await held.WaitUntilHeldAsync();
            await page.GetByTestId("filter-tag").FillAsync("pilot");
            await page.GetByTestId("fleet-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("1 modem");

            held.Release();
            // The table is busy until every read it made has its answer (the held one last); then it is still the filtered page.
            await Assertions.Expect(page.Locator("tbody")).Not.ToHaveAttributeAsync("aria-busy", "true");
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("1 modem");
            await Assertions.Expect(page.Locator("tr.modem-row")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId($"modem-{tagged.Id}")).ToBeVisibleAsync();
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
