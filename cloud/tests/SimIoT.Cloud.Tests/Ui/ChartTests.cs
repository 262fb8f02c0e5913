using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>The modem page's charts: physical units, unclipped axis labels, a time range read from the downsampled API, CSV of what is shown.</summary>
public class ChartTests
{
    [Fact]
    public async Task Charts_show_physical_units_over_the_chosen_range_and_export_it_as_csv()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xc4a, "charted");
        var now = DateTime.UtcNow;
        var old = now.AddHours(-2);
        modem.SendReading(DeviceCatalog.Temperature, old, 1850);
        for (int i = 0; i < 3; i++) modem.SendReading(DeviceCatalog.Temperature, now.AddSeconds(-30 + i), 2150);
        modem.SendReading(DeviceCatalog.Gyro, now.AddSeconds(-20), 10000, -10000, 0);
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp"), p => p.GetArrayLength() == 4, "four temperatures stored");
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/gyro"), p => p.GetArrayLength() == 1, "the gyro reading stored");

        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders, TimezoneId = "UTC", AcceptDownloads = true });
            var page = await context.NewPageAsync();
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
            var temp = page.GetByTestId("chart-temp");
            var gyro = page.GetByTestId("chart-gyro");
            // Live shows the last 10 minutes: the three recent readings.
            await Assertions.Expect(temp).ToHaveAttributeAsync("data-points", "3");
            await Assertions.Expect(gyro).ToHaveAttributeAsync("data-points", "1");
            await Assertions.Expect(gyro.Locator("h3")).ToHaveTextAsync("Gyroscope (°/s)");
            var axis = await gyro.EvaluateAsync<JsonElement>("""
                (div) => {
                  const a = div.plot.axes[1];
                  const ctx = document.createElement('canvas').getContext('2d');
                  ctx.font = '12px system-ui, sans-serif';
                  return { label: a.label, max: Math.max(...div.plot.data[1]), size: a._size,
                    needed: Math.max(...a._values.map((v) => ctx.measureText(String(v)).width)) + a.ticks.size + a.gap };
                }
                """);
            Assert.Equal("Gyroscope (°/s)", axis.GetProperty("label").GetString());
            Assert.Equal(10, axis.GetProperty("max").GetDouble()); // 10,000 milli-°/s
            Assert.True(axis.GetProperty("size").GetDouble() >= axis.GetProperty("needed").GetDouble(), $"y axis {axis}: its widest label does not fit");
            Assert.Equal(21.5, await temp.EvaluateAsync<double>("(div) => div.plot.data[1][0]"));

            await page.GetByTestId("range").SelectOptionAsync("24h");
            await page.GetByTestId("range-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("chart-temp")).ToHaveAttributeAsync("data-points", "4");
            await page.GetByTestId("range").SelectOptionAsync("15m");
            await page.GetByTestId("range-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("chart-temp")).ToHaveAttributeAsync("data-points", "3");

            // Custom: the hour around the old reading only.
            await page.GetByTestId("range").SelectOptionAsync("custom");
            await page.GetByTestId("range-from").FillAsync(old.AddMinutes(-30).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            await page.GetByTestId("range-to").FillAsync(old.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            await page.GetByTestId("range-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("chart-temp")).ToHaveAttributeAsync("data-points", "1");
            await Assertions.Expect(page.GetByTestId("chart-gyro")).ToHaveAttributeAsync("data-points", "0");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-export").ClickAsync());
            string csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Contains("timestamp,value (°C)\n", csv, StringComparison.Ordinal);
            Assert.Contains($"{old:yyyy-MM-dd'T'HH:mm:ss}", csv, StringComparison.Ordinal);
            Assert.Contains(",18.5\n", csv, StringComparison.Ordinal);
            Assert.DoesNotContain("21.5", csv, StringComparison.Ordinal);
            Assert.Contains("timestamp,x (°/s),y (°/s),z (°/s)\n", csv, StringComparison.Ordinal);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task A_range_answered_after_the_one_chosen_next_is_not_drawn()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xc4b, "ranged");
        var now = DateTime.UtcNow;
        modem.SendReading(DeviceCatalog.Temperature, now.AddHours(-2), 1850);
        modem.SendReading(DeviceCatalog.Temperature, now.AddSeconds(-30), 2150);
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}/telemetry/temp"), p => p.GetArrayLength() == 2, "both temperatures stored");

        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
            var charts = page.Locator("#charts");
            await Assertions.Expect(charts).ToHaveAttributeAsync("data-loaded", "live");

            // The 24 h range's reads are held until the 15 min range (chosen next) is drawn.
            var held = await HeldRoute.StartAsync(page, new Regex("/telemetry/"), limit: 3);
            await page.GetByTestId("range").SelectOptionAsync("24h");
            await page.GetByTestId("range-apply").ClickAsync();
            await held.WaitUntilHeldAsync();
            await page.GetByTestId("range").SelectOptionAsync("15m");
            await page.GetByTestId("range-apply").ClickAsync();
            await Assertions.Expect(charts).ToHaveAttributeAsync("data-loaded", "15m");

            held.Release();
            // The charts are busy until the 24 h answers are in too; the 15 min range is still the one shown.
            await Assertions.Expect(charts).Not.ToHaveAttributeAsync("aria-busy", "true");
            await Assertions.Expect(charts).ToHaveAttributeAsync("data-loaded", "15m");
            await Assertions.Expect(page.Locator("#charts > .chart")).ToHaveCountAsync(3);
            await Assertions.Expect(page.GetByTestId("chart-temp")).ToHaveAttributeAsync("data-points", "1");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
