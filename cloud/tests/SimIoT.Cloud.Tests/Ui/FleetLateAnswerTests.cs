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
            int listReads = 0;
            page.Request += (_, r) => { if (r.Method == "GET" && new Uri(r.Url).AbsolutePath == "/api/modems") Interlocked.Increment(ref listReads); };
            // The page's first read of the whole fleet is held until the filtered page is on screen.
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int holding = 0;
            await page.RouteAsync(new Regex(@"/api/modems\?"), async route =>
            {
                if (!route.Request.Url.Contains("tag=") && Interlocked.Exchange(ref holding, 1) == 0)
                {
                    held.TrySetResult();
                    await release.Task;
                }
                await route.ContinueAsync();
            });

            await page.GotoAsync(cloud.BaseAddress.ToString());
            await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await page.GetByTestId("filter-tag").FillAsync("pilot");
            await page.GetByTestId("fleet-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("1 modem");

            release.SetResult();
            // Every read the page made has been answered (the held one last), then the page is still the filtered one.
            var body = page.Locator("tbody");
            await Eventually.ValueAsync(
                async () => int.TryParse(await body.GetAttributeAsync("data-answers"), out int n) ? n : 0,
                n => n >= Volatile.Read(ref listReads) && n >= 2, "the page has every answer to its reads");
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
