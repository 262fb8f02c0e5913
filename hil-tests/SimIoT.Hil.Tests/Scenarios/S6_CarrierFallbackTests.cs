using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>
/// Scenario 6: after a switch the card hears nothing more from the cloud (the carrier network
/// drops every downlink after the command, then the cloud becomes unreachable both ways); when
/// the fallback timer expires the card returns to the previous carrier and, once the cloud is
/// reachable again, the cloud learns it from the unsolicited carrier report (command id 0).
/// </summary>
public class S6_CarrierFallbackTests
{
    private const ushort FallbackSeconds = 5;

    [VirtualCardFact]
    public async Task Scenario6_with_no_cloud_contact_after_a_switch_the_card_falls_back_and_the_cloud_learns_it()
    {
        var figures = new Figures("S6 carrier fallback");
        await using var rig = await HilRig.StartAsync(new RigOptions
        {
            Nat = true,
            FallbackSeconds = FallbackSeconds,
            Carriers = [Carrier.Att, Carrier.Verizon],
            InitialCarrier = Carrier.Att,
            ImuHz = 1,
            EnvironmentHz = 1,
        });
        var nat = rig.Nat!;
        await rig.WaitForSamplesAsync("bme280", 1);
        await Eventually.ValueAsync(rig.ModemAsync, j => j.GetProperty("link").GetString() == "fresh", "the modem is online", HilRig.Wait);
        await using var sse = await SseClient.ConnectAsync(rig.Cloud.Http, $"/api/events?modemId={rig.Modem}");

        // The switch: the command reaches the card, its ACK reaches the cloud, but no acknowledgement
        // (nor anything else) comes back to the card, so its fallback stays armed.
        nat.DropDownlinkAfterCommand = true;
        var response = await rig.Cloud.Http.PostAsJsonAsync($"/api/modems/{rig.Modem}/carrier-switch", new { carrier = "Verizon" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        uint command = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
        await S7_LegacyV1Tests.WaitStateAsync(rig, command, "acked");
        var switchedAt = DateTime.UtcNow;
        await Eventually.ValueAsync(rig.ModemAsync, j => j.GetProperty("carrier").GetString() == "Verizon", "the cloud shows Verizon", HilRig.Wait);

        // Now the cloud is unreachable both ways.
        nat.DropUplink = true;
        nat.DropDownlink = true;

        // On the wire (dropped by the network): the card's unsolicited report, command id 0, ACK, back on AT&T
        // (the report of the session start, on AT&T too, came before the switch).
        var report = await Eventually.ValueAsync(() => Task.FromResult(rig.CommandResultsOnWire().Where(r => r.Result.CommandId == CommandMessage.UnsolicitedReport && r.At > switchedAt).ToList()),
            l => l.Count > 0, "the card falls back and reports it", TimeSpan.FromSeconds(FallbackSeconds + 20));
        var fellBackAt = report[0].At;
        Assert.Equal(Carrier.Att, report[0].Result.Packet.Carrier);
        Assert.Equal(AckStatus.Ack, report[0].Result.Packet.AckStatus);
        Assert.True(report[0].Dropped, "the report was sent while the cloud was unreachable");
        Assert.InRange((fellBackAt - switchedAt).TotalSeconds, FallbackSeconds - 1, FallbackSeconds + 15);
        Assert.Equal("Verizon", (await rig.ModemAsync()).GetProperty("carrier").GetString()); // the cloud cannot know yet

        // The cloud is reachable again: the edge replays the report from its queue and the cloud learns of the fallback.
        var restored = Stopwatch.StartNew();
        nat.DropUplink = false;
        nat.DropDownlink = false;
        nat.DropDownlinkAfterCommand = false;
        await sse.NextAsync("carrier", d => d.GetProperty("carrier").GetString() == "AT&T" && d.GetProperty("status").GetString() == "ACK", HilRig.Wait);
        await Eventually.ValueAsync(rig.ModemAsync, j => j.GetProperty("carrier").GetString() == "AT&T", "the cloud shows AT&T again", HilRig.Wait);
        figures.Add("switch to fallback report", (fellBackAt - switchedAt).TotalMilliseconds, "ms");
        figures.Add("fallback time configured", FallbackSeconds, "s");
        figures.Add("reachable again to cloud knows", restored.Elapsed.TotalMilliseconds, "ms");
        figures.Save();
    }
}
