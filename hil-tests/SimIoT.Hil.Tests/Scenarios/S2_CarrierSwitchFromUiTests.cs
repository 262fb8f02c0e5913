using System.Diagnostics;
using Microsoft.Playwright;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.V1;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>
/// Scenario 2: carrier switches clicked in the web UI (headless Chromium) travel cloud → UDP → edge
/// agent → applet and back: ACK (carrier shown changes), NACK (a carrier the card has no
/// subscription for: unchanged, failure shown), timeout (edge stopped: the command times out and says so).
/// </summary>
public class S2_CarrierSwitchFromUiTests
{
    private static readonly float UiWait = (float)HilRig.Wait.TotalMilliseconds;

    [VirtualCardFact]
    public Task Scenario2_carrier_switch_from_the_web_ui_ack_nack_and_timeout() => RunAsync("S2 carrier switch from the web UI");

    /// <summary>The same with the linux-arm64 agent under qemu as its own process, reaching the card through pcscd.</summary>
    [Arm64AgentFact]
    public Task Scenario2_with_the_arm64_agent_under_qemu() => RunAsync("S2 carrier switch from the web UI (arm64 agent under qemu)", edgeArch: "arm64");

    private static async Task RunAsync(string name, string? edgeArch = null)
    {
        var figures = new Figures(name);
        await using var rig = await HilRig.StartAsync(new RigOptions
        {
            Carriers = [Carrier.Att, Carrier.Verizon, Carrier.Disconnect], // no T-Mobile subscription: the card refuses it
            InitialCarrier = Carrier.Att,
            ImuHz = 5,
            EnvironmentHz = 1,
            CloudSettings = new() { ["Commands:AckTimeout"] = "00:00:03", ["Commands:MaxAttempts"] = "2" },
            EdgeArch = edgeArch,
        });
        await rig.WaitForSamplesAsync("bme280", 1);
        // The card reports its carrier with each switch result (not at start), so the cloud shows none yet.
        await SimIoT.Cloud.Tests.Infrastructure.Eventually.ValueAsync(rig.ModemAsync, j => j.GetProperty("link").GetString() == "fresh", "the modem's link is fresh", HilRig.Wait);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new() { ExtraHTTPHeaders = rig.Cloud.AuthHeaders });
        var consoleErrors = new List<string>();
        page.PageError += (_, e) => consoleErrors.Add(e);
        await page.GotoAsync(rig.Cloud.BaseAddress.ToString());
        await page.GetByTestId($"modem-{rig.Modem}").ClickAsync();
        var carrier = page.GetByTestId("carrier");
        var status = page.GetByTestId("command-status");
        await Assertions.Expect(carrier).Not.ToHaveTextAsync("Verizon");

        // ACK: the applet has a Verizon subscription, switches, re-attaches, reports.
        var watch = Stopwatch.StartNew();
        await page.GetByTestId("switch-carrier").SelectOptionAsync("Verizon");
        await page.GetByTestId("switch-button").ClickAsync();
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "acked", new() { Timeout = UiWait });
        figures.Add("UI click to acked", watch.Elapsed.TotalMilliseconds, "ms");
        await Assertions.Expect(carrier).ToHaveTextAsync("Verizon", new() { Timeout = UiWait });
        Assert.Equal("Verizon", (await rig.ModemAsync()).GetProperty("carrier").GetString());

        // NACK: no T-Mobile subscription on the card.
        watch.Restart();
        await page.GetByTestId("switch-carrier").SelectOptionAsync("T-Mobile");
        await page.GetByTestId("switch-button").ClickAsync();
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "nacked", new() { Timeout = UiWait });
        figures.Add("UI click to nacked", watch.Elapsed.TotalMilliseconds, "ms");
        await Assertions.Expect(status).ToContainTextAsync("failed");
        await Assertions.Expect(status).ToHaveClassAsync("failure");
        await Assertions.Expect(carrier).ToHaveTextAsync("Verizon");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("nacked");

        // Timeout: the edge is stopped (card pulled, agent down); no answer comes.
        await rig.PullCardAsync();
        await rig.StopAgentAsync();
        watch.Restart();
        await page.GetByTestId("switch-carrier").SelectOptionAsync("AT&T");
        await page.GetByTestId("switch-button").ClickAsync();
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "timed-out", new() { Timeout = UiWait });
        figures.Add("UI click to timed-out (ack timeout 3 s x 2 attempts)", watch.Elapsed.TotalMilliseconds, "ms");
        await Assertions.Expect(status).ToContainTextAsync("no answer after 2 attempts");
        await Assertions.Expect(status).ToHaveClassAsync("failure");
        await Assertions.Expect(carrier).ToHaveTextAsync("Verizon");
        await Assertions.Expect(page.GetByTestId("history")).ToContainTextAsync("timed-out");
        Assert.Empty(consoleErrors);
        figures.Save();
    }
}
