using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>
/// The fleet page against a large fleet (20,000 modems; SIMIOT_FLEET_MODEMS for more) in real Chromium.
/// The time to first rows is printed, not asserted: the measurement is in docs/performance.md.
/// </summary>
public sealed class FleetPageScaleTests(LargeFleet fleet, ITestOutputHelper output) : IClassFixture<LargeFleet>
{
    private const int PageSize = 100;

    [Fact]
    public async Task The_first_page_of_a_large_fleet_shows_one_page_of_rows_and_the_total()
    {
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = fleet.Cloud.AuthHeaders });
            var times = new List<double>();
            var pageReads = new List<double>();
            for (int load = 0; load < 3; load++)
            {
                await page.GotoAsync(fleet.Cloud.BaseAddress.ToString());
                times.Add(await FirstRowsAsync(page));
                pageReads.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/api/modems').duration"));
            }
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(0)}")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("tr.modem-row")).ToHaveCountAsync(PageSize);
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync($"{LargeFleet.Size.ToString("N0", CultureInfo.InvariantCulture)} modems");
            output.WriteLine($"fleet page, {LargeFleet.Size} modems (registered in {fleet.RegistrationTime.TotalSeconds:F1} s): first rows visible after "
                + string.Join(", ", times.Select(t => $"{t:F0} ms")) + " (navigation start to first row drawn; first load cold); GET /api/modems took "
                + string.Join(", ", pageReads.Select(t => $"{t:F0} ms")));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>Needs the paged API (fleet-api branch): Link rel="next", cursor, q, /api/modems/count.</summary>
    [Fact]
    public async Task Paging_goes_forward_and_back_through_the_cursor_stack_and_search_narrows_the_count()
    {
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = fleet.Cloud.AuthHeaders });
            // Filled from Playwright's event thread while the test reads it: a snapshot-safe queue.
            var listSizes = new ConcurrentQueue<int>();
            page.Response += async (_, r) =>
            {
                if (new Uri(r.Url).AbsolutePath == "/api/modems" && r.Ok) listSizes.Enqueue(JsonDocument.Parse(await r.TextAsync()).RootElement.GetArrayLength());
            };
            await page.GotoAsync(fleet.Cloud.BaseAddress.ToString());
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(0)}")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("fleet-prev")).ToBeDisabledAsync();

            await page.GetByTestId("fleet-next").ClickAsync();
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(PageSize)}")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(0)}")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("fleet-page")).ToHaveTextAsync("page 2");
            await page.GetByTestId("fleet-next").ClickAsync();
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(2 * PageSize)}")).ToBeVisibleAsync();
            await page.GetByTestId("fleet-prev").ClickAsync();
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(PageSize)}")).ToBeVisibleAsync();
            await page.GetByTestId("fleet-prev").ClickAsync();
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(0)}")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("fleet-prev")).ToBeDisabledAsync();
            // The server paged: no answer carried more than a page.
            Assert.All(listSizes, n => Assert.True(n <= PageSize, $"an answer of {n} modems"));

            // Nicknames fleet-012340 .. fleet-012349: ten matches, one page, no next.
            await page.GetByTestId("fleet-search").FillAsync("fleet-01234");
            await page.GetByTestId("fleet-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("10 modems");
            await Assertions.Expect(page.Locator("tr.modem-row")).ToHaveCountAsync(10);
            await Assertions.Expect(page.GetByTestId($"modem-{LargeFleet.IdOf(12345)}")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("fleet-next")).ToBeDisabledAsync();

            // The v1 filter: none of these.
            await page.GetByTestId("fleet-search").FillAsync("");
            await page.GetByTestId("filter-protocol").SelectOptionAsync("v1");
            await page.GetByTestId("fleet-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("fleet-empty")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("0 modems");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>Milliseconds from navigation start until the first fleet row is in the page (polled every frame).</summary>
    internal static async Task<double> FirstRowsAsync(IPage page)
    {
        var handle = await page.WaitForFunctionAsync("() => document.querySelector('tr.modem-row') ? performance.now() : null", null, new() { Timeout = 120_000 });
        return await handle.JsonValueAsync<double>();
    }
}
