using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>The web UI in real headless Chromium (Debian's, never a downloaded browser) against the real cloud.</summary>
public class WebUiTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    internal static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's 'chromium' package (./simiot test does, as root)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }

    [Fact]
    public async Task Fleet_and_modem_views_show_live_points_and_carrier_switches_with_ack_and_nack()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:LegacyV1"] = "true" });
        var modem = await cloud.AddModemAsync(0x4d2, "pi-lab");
        modem.Refused.Add(Carrier.TMobile);
        using var legacy = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        legacy.SendTo(V1Packet.IotData(3, DateTime.UtcNow, TelemetryValues.Encode(2100)).ToArray(), cloud.Udp);
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                modem.SendReading(DeviceCatalog.Temperature, DateTime.UtcNow, 2000 + i % 50);
                modem.SendReading(DeviceCatalog.Imu, DateTime.UtcNow, i % 7, -i % 5, 1000);
                await Task.Delay(50);
            }
        });

        var (playwright, browser) = await LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            var consoleErrors = new ConcurrentQueue<string>();
            page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Enqueue(m.Text); };
            page.PageError += (_, e) => consoleErrors.Enqueue(e);
            await page.GotoAsync(cloud.BaseAddress.ToString());

            var row = page.GetByTestId($"modem-{modem.Id}");
            await Assertions.Expect(row).ToContainTextAsync("v2 · authenticated");
            await Assertions.Expect(page.GetByTestId("fleet")).ToContainTextAsync("legacy, unauthenticated");
            await row.ClickAsync();

            var temp = page.GetByTestId("chart-temp");
            await Assertions.Expect(temp.Locator("canvas")).ToBeVisibleAsync();
            int before = int.Parse((await temp.GetAttributeAsync("data-points"))!);
            await page.WaitForFunctionAsync($"() => Number(document.querySelector('[data-testid=chart-temp]').dataset.points) >= {before + 5}");

            await page.GetByTestId("switch-carrier").SelectOptionAsync("Verizon");
            await page.GetByTestId("switch-button").ClickAsync();
            var status = page.GetByTestId("command-status");
            await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "acked", new() { Timeout = 15000 });
            await Assertions.Expect(page.GetByTestId("carrier")).ToHaveTextAsync("Verizon", new() { Timeout = 15000 });

            await page.GetByTestId("switch-carrier").SelectOptionAsync("T-Mobile");
            await page.GetByTestId("switch-button").ClickAsync();
            await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "nacked", new() { Timeout = 15000 });
            await Assertions.Expect(status).ToContainTextAsync("failed");
            await Assertions.Expect(status).ToHaveClassAsync("failure");
            await Assertions.Expect(page.GetByTestId("carrier")).ToHaveTextAsync("Verizon");
            await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("nacked");
            Assert.Empty(consoleErrors);
        }
        finally
        {
            await stop.CancelAsync();
            await sender;
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task The_grafana_link_appears_when_configured()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Api:GrafanaUrl"] = "http://127.0.0.1:3000/d/simiot" });
        var modem = await cloud.AddModemAsync(0x4d3);
        var (playwright, browser) = await LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
            await Assertions.Expect(page.GetByTestId("grafana")).ToHaveAttributeAsync("href", $"http://127.0.0.1:3000/d/simiot?var-modem={modem.Id}");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
