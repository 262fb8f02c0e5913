using System.Net.Http.Json;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

public class PathProofTests
{
    [Fact]
    public async Task A_held_back_fresh_frame_replayed_from_a_stranger_does_not_move_the_binding()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5152);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "the modem is bound and acked");

        // An on-path attacker holds back the modem's next frame (so it is still fresh) and sends
        // it from its own address. The stranger here holds the keys only to read what it is sent.
        var heldBack = modem.Seal(FrameKind.UplinkData, []);
        using var stranger = new SimulatedModem(modem.Id, modem.MasterKey, cloud.Udp) { AnswerCommands = false };
        stranger.SendRaw(heldBack);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) == 2, "the held-back frame is authentic and fresh: taken");
        await Eventually.TrueAsync(() => stranger.AcksReceived == 1 && modem.AcksReceived >= 2, "its ack goes to the stranger and to the binding");

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        var location = response.Headers.Location!.OriginalString;
        await Eventually.ValueAsync(() => cloud.GetJsonAsync(location), j => j.GetProperty("state").GetString() == "acked", "the real modem gets the switch and answers it");
        lock (modem.Commands) Assert.Single(modem.Commands);
        lock (stranger.Commands) Assert.Empty(stranger.Commands);
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}"),
            j => j.GetProperty("endpoint").GetString() == modem.LocalEndPoint.ToString(), "the binding shown is the modem's");
    }

    [Fact]
    public async Task A_modem_that_really_moved_is_bound_at_its_second_fresh_frame_from_the_new_address()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var first = await cloud.AddModemAsync(0x5153);
        first.SendData();
        await Eventually.TrueAsync(() => first.AcksReceived > 0, "acked at the first address");
        // Same SIM behind a new NAT binding: its counter continues.
        using var moved = new SimulatedModem(first.Id, first.MasterKey, cloud.Udp) { LastSequence = first.LastSequence };
        moved.SendData();
        await Eventually.TrueAsync(() => moved.AcksReceived == 1, "its first frame is acked at the new address, still unproven");
        moved.SendData();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{first.Id}"),
            j => j.GetProperty("endpoint").GetString() == moved.LocalEndPoint.ToString(), "the second fresh frame moves the binding");

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{first.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync(response.Headers.Location!.OriginalString), j => j.GetProperty("state").GetString() == "acked", "the switch reaches the moved modem");
        lock (moved.Commands) Assert.Single(moved.Commands);
        lock (first.Commands) Assert.Empty(first.Commands);
    }

    [Fact]
    public async Task A_fresh_frame_from_the_binding_cancels_a_candidate_address()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5154);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "bound");
        using var stranger = new SimulatedModem(modem.Id, modem.MasterKey, cloud.Udp) { AnswerCommands = false };
        // Two held-back frames, replayed from the stranger with a genuine frame of the modem between them.
        var a = modem.Seal(FrameKind.UplinkData, []);
        var b = modem.Seal(FrameKind.UplinkData, []);
        stranger.SendRaw(a);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) == 2, "first held-back frame taken");
        modem.SendData();
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) == 3, "the modem's own frame taken");
        stranger.SendRaw(b);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) + cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) == 4, "second held-back frame seen");

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.ValueAsync(() => cloud.GetJsonAsync(response.Headers.Location!.OriginalString), j => j.GetProperty("state").GetString() == "acked", "the real modem gets the switch");
        lock (stranger.Commands) Assert.Empty(stranger.Commands);
    }
}
