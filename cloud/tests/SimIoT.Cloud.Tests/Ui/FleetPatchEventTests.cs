using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>PATCH /api/modems/{id} publishes a modem change: the stream tells it, an open fleet page updates that row in place.</summary>
public class FleetPatchEventTests
{
    [Fact]
    public async Task A_rename_and_tags_reach_the_event_stream_as_a_modem_update()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5b1, "before");
        await using var sse = await SseClient.ConnectAsync(cloud.Http);

        var patched = await cloud.Http.PatchAsJsonAsync($"/api/modems/{modem.Id}", new { nickname = "after", tags = new[] { "north" } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var change = await sse.NextAsync("modem", e => e.GetProperty("modemId").GetString() == modem.Id.ToString());
        Assert.Equal("updated", change.GetProperty("change").GetString());
    }

    [Fact]
    public async Task A_renamed_and_tagged_modem_changes_its_visible_row_without_reading_the_fleet_again()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5b2, "old-name");
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            int listReads = 0;
            page.Request += (_, r) => { if (r.Method == "GET" && new Uri(r.Url).AbsolutePath == "/api/modems") Interlocked.Increment(ref listReads); };
            await page.GotoAsync(cloud.BaseAddress.ToString());
            var row = page.GetByTestId($"modem-{modem.Id}");
            await Assertions.Expect(page.GetByTestId("live")).ToHaveTextAsync("live");
            await Assertions.Expect(row.GetByTestId("fleet-nickname")).ToHaveTextAsync("old-name");
            int before = Volatile.Read(ref listReads);

            // Another operator renames and tags the modem through the API, not through this page.
            var patched = await cloud.Http.PatchAsJsonAsync($"/api/modems/{modem.Id}", new { nickname = "new-name", tags = new[] { "site-7" } });
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            await Assertions.Expect(row.GetByTestId("fleet-nickname")).ToHaveTextAsync("new-name", new() { Timeout = 15000 });
            await Assertions.Expect(row).ToContainTextAsync("site-7");
            Assert.Equal(before, Volatile.Read(ref listReads));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
