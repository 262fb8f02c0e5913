using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>Registering, renaming, tagging, pointing a legacy modem's downlink, cancelling and deleting from the web UI, by role.</summary>
public class ModemLifecycleTests
{
    [Fact]
    public async Task An_admin_registers_a_modem_with_a_generated_key_shown_once_and_deletes_it_after_confirming()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync(cloud.BaseAddress.ToString());
            await page.GetByTestId("register-open").ClickAsync();
            await page.GetByLabel("Modem id (hex)").FillAsync("0000000000abc123");
            await page.GetByLabel("Nickname", new() { Exact = true }).FillAsync("fresh-sim");
            await page.GetByTestId("register-submit").ClickAsync();

            string key = (await page.GetByTestId("register-shown-key").TextContentAsync())!;
            Assert.Matches("^[0-9a-f]{32}$", key);
            await Assertions.Expect(page.GetByTestId("register-command")).ToHaveTextAsync(new Regex($"^simiot-edge provision --modem-id 0*abc123 --master-key {key} --cloud 127\\.0\\.0\\.1:[0-9]+$"));
            await Assertions.Expect(page.GetByTestId("modem-0000000000abc123")).ToContainTextAsync("fresh-sim");

            // The key shown is the key registered: a SIM holding it gets its reading stored.
            var registry = cloud.App.Services.GetRequiredService<ModemRegistry>();
            await Eventually.TrueAsync(() => registry.TryGet(new ModemId(0xabc123), out _), "gateway knows the modem");
            using (var sim = new SimulatedModem(new ModemId(0xabc123), Convert.FromHexString(key), cloud.Udp))
            {
                sim.SendReading(DeviceCatalog.Temperature, DateTime.UtcNow, 2000);
                await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems/0000000000abc123/telemetry/temp"), p => p.GetArrayLength() == 1, "the reading stored");
            }
            Assert.DoesNotContain(key, await cloud.Http.GetStringAsync("/api/modems/0000000000abc123"), StringComparison.OrdinalIgnoreCase);

            // Shown once: a reload does not bring it back.
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByTestId("modem-0000000000abc123")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("register-shown-key")).ToHaveCountAsync(0);

            await page.GetByTestId("modem-0000000000abc123").ClickAsync();
            await page.GetByTestId("delete-button").ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("Delete 0000000000abc123?");
            await page.GetByTestId("delete-cancel").ClickAsync();
            await Assertions.Expect(page.GetByTestId("delete-confirm")).ToBeHiddenAsync();
            Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync("/api/modems/0000000000abc123")).StatusCode);
            await page.GetByTestId("delete-button").ClickAsync();
            await page.GetByTestId("delete-confirm").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("#/$"));
            Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync("/api/modems/0000000000abc123")).StatusCode);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task Viewers_see_no_write_controls_and_operators_no_admin_ones()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x11fe, "watched");
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            foreach (var role in new[] { Roles.Viewer, Roles.Operator })
            {
                string token = await cloud.CreateTokenAsync(OrganizationNames.Default, role, $"ui-{role}");
                var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" } });
                await page.GotoAsync(cloud.BaseAddress.ToString());
                await Assertions.Expect(page.GetByTestId($"modem-{modem.Id}")).ToBeVisibleAsync();
                bool writer = role == Roles.Operator;
                await Assertions.Expect(page.GetByTestId("register-open")).ToHaveCountAsync(0);

                await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
                await Assertions.Expect(page.GetByTestId("nickname")).ToHaveTextAsync("watched");
                await Assertions.Expect(page.GetByTestId("edit-save")).ToHaveCountAsync(writer ? 1 : 0);
                await Assertions.Expect(page.GetByTestId("switch-button")).ToHaveCountAsync(writer ? 1 : 0);
                await Assertions.Expect(page.GetByTestId("delete-button")).ToHaveCountAsync(0);
                await Assertions.Expect(page.GetByTestId("downlink-save")).ToHaveCountAsync(0);
                await page.CloseAsync();
            }
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>Needs PATCH /api/modems/{id} and the tag filter (fleet-api branch).</summary>
    [Fact]
    public async Task An_operator_renames_and_tags_a_modem_and_the_fleet_filters_by_the_tag()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x7a6, "before");
        await cloud.AddModemAsync(0x7a7, "untagged");
        string token = await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Operator, "ui-operator");
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" } });
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
            await Assertions.Expect(page.GetByTestId("edit-nickname")).ToHaveValueAsync("before");
            await page.GetByTestId("edit-nickname").FillAsync("after");
            await page.GetByTestId("edit-tags").FillAsync("site:berlin, pilot");
            await page.GetByTestId("edit-save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("edit-status")).ToHaveTextAsync("Saved.");
            await Assertions.Expect(page.GetByTestId("nickname")).ToHaveTextAsync("after");
            await Assertions.Expect(page.GetByTestId("tags")).ToHaveTextAsync("site:berlin pilot");
            var stored = await cloud.GetJsonAsync($"/api/modems/{modem.Id}");
            Assert.Equal("after", stored.GetProperty("nickname").GetString());

            // A bad tag is refused with the server's reason, and nothing else changes.
            await page.GetByTestId("edit-tags").FillAsync("no spaces allowed");
            await page.GetByTestId("edit-save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("edit-status")).ToHaveClassAsync("failure");
            await Assertions.Expect(page.GetByTestId("tags")).ToHaveTextAsync("site:berlin pilot");

            await page.GotoAsync(cloud.BaseAddress.ToString());
            await page.GetByTestId("filter-tag").FillAsync("pilot");
            await page.GetByTestId("fleet-apply").ClickAsync();
            await Assertions.Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("1 modem");
            await Assertions.Expect(page.Locator("tr.modem-row")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId($"modem-{modem.Id}")).ToContainTextAsync("after");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>Needs PATCH downlinkEndpoint (fleet-api branch).</summary>
    [Fact]
    public async Task An_admin_sets_a_legacy_modems_downlink_endpoint_and_v2_modems_offer_none()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:LegacyV1"] = "true" });
        var v2 = await cloud.AddModemAsync(0x4e1, "modern");
        using var legacy = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        legacy.SendTo(V1Packet.IotData(3, DateTime.UtcNow, TelemetryValues.Encode(2100)).ToArray(), cloud.Udp);
        var modems = await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems"), m => m.EnumerateArray().Any(x => x.GetProperty("legacy").GetBoolean()), "the legacy modem registered itself");
        string legacyId = modems.EnumerateArray().First(x => x.GetProperty("legacy").GetBoolean()).GetProperty("id").GetString()!;
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{legacyId}");
            await Assertions.Expect(page.GetByTestId("downlink")).ToHaveTextAsync("its source address");
            await page.GetByTestId("downlink-endpoint").FillAsync("127.0.0.1:6002");
            await page.GetByTestId("downlink-save").ClickAsync();
            await Assertions.Expect(page.GetByTestId("downlink")).ToHaveTextAsync("127.0.0.1:6002");
            Assert.Equal("127.0.0.1:6002", (await cloud.GetJsonAsync($"/api/modems/{legacyId}")).GetProperty("downlinkEndpoint").GetString());

            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{v2.Id}");
            await Assertions.Expect(page.GetByTestId("nickname")).ToHaveTextAsync("modern");
            await Assertions.Expect(page.GetByTestId("downlink-save")).ToBeHiddenAsync();
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>The history's cancel button (POST /api/commands/{id}/cancel) shows only on queued commands.</summary>
    [Fact]
    public async Task A_queued_command_is_cancelled_from_the_history_and_a_sent_one_offers_no_cancel()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xca1, "silent");
        modem.AnswerCommands = false;
        await using var sender = FleetEventsTests.Readings.Start(modem);
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}"), m => m.GetProperty("link").GetString() == "fresh", "the link is fresh");
        var first = await (await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var second = await (await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "T-Mobile" })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        uint sentId = first.GetProperty("id").GetUInt32(), queuedId = second.GetProperty("id").GetUInt32();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{sentId}"), c => c.GetProperty("state").GetString() == "sent", "the first command sent");
        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ExtraHTTPHeaders = cloud.AuthHeaders });
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{modem.Id}");
            await Assertions.Expect(page.GetByTestId($"command-{queuedId}").GetByTestId("command-state")).ToHaveTextAsync("queued");
            await Assertions.Expect(page.GetByTestId($"command-{sentId}").GetByTestId("command-state")).ToHaveTextAsync("sent");
            await Assertions.Expect(page.GetByTestId($"cancel-{sentId}")).ToHaveCountAsync(0);
            await page.GetByTestId($"cancel-{queuedId}").ClickAsync();
            await Assertions.Expect(page.GetByTestId($"command-{queuedId}").GetByTestId("command-state")).ToHaveTextAsync("cancelled");
            await Assertions.Expect(page.GetByTestId($"cancel-{queuedId}")).ToHaveCountAsync(0);
            Assert.Equal("cancelled", (await cloud.GetJsonAsync($"/api/commands/{queuedId}")).GetProperty("state").GetString());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
