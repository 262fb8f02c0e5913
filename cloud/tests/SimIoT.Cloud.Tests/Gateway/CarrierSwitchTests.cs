using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Gateway;

public class CarrierSwitchTests
{
    private static readonly Dictionary<string, string?> FastCommands = new()
    {
        ["Commands:AckTimeout"] = "00:00:00.300",
        ["Commands:MaxAttempts"] = "3",
    };

    private static async Task<uint> SwitchAsync(CloudHarness cloud, string modemId, string carrier)
    {
        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modemId}/carrier-switch", new { carrier });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", body.GetProperty("state").GetString());
        uint id = body.GetProperty("id").GetUInt32();
        Assert.Equal($"/api/commands/{id}", response.Headers.Location!.OriginalString);
        return id;
    }

    private static Task<JsonElement> CommandInStateAsync(CloudHarness cloud, uint id, string state) =>
        Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{id}"), j => j.GetProperty("state").GetString() == state, $"command {id} is {state}");

    [Fact]
    public async Task Switch_waits_for_a_binding_then_is_sent_acked_and_changes_the_carrier()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x1001);
        await using var sse = await SseClient.ConnectAsync(cloud.Http);

        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        // No frame from the modem yet: no binding, so the command stays queued.
        await Task.Delay(300);
        Assert.Empty(modem.Commands);
        Assert.Equal("queued", (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("state").GetString());

        modem.SendData(); // keepalive: a fresh binding
        var acked = await CommandInStateAsync(cloud, id, "acked");
        Assert.Equal(1, acked.GetProperty("attempts").GetInt32());
        Assert.Equal("Verizon", acked.GetProperty("resultCarrier").GetString());
        Assert.Equal(Carrier.Verizon, modem.Carrier);
        var command = Assert.Single(modem.Commands);
        Assert.Equal(id, command.CommandId);
        Assert.Equal(V1Packet.Perform(Carrier.Verizon), command.Packet);

        await sse.NextAsync("command", e => e.GetProperty("commandId").GetUInt32() == id && e.GetProperty("state").GetString() == "sent");
        // The carrier before the acked state (docs: a page never shows "acked" beside the old carrier).
        var ack = await sse.NextAsync("carrier");
        Assert.Equal("ACK", ack.GetProperty("status").GetString());
        Assert.Equal("Verizon", ack.GetProperty("carrier").GetString());
        await sse.NextAsync("command", e => e.GetProperty("commandId").GetUInt32() == id && e.GetProperty("state").GetString() == "acked");

        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}"), j => j.GetProperty("carrier").GetString() == "Verizon", "modem shows Verizon");
        var history = await cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands");
        Assert.Equal(id, history[0].GetProperty("id").GetUInt32());
    }

    [Fact]
    public async Task A_refused_carrier_is_nacked_and_the_carrier_stays()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x1002);
        modem.Refused.Add(Carrier.TMobile);
        modem.SendData();
        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "t-mobile");
        var nacked = await CommandInStateAsync(cloud, id, "nacked");
        Assert.Equal("AT&T", nacked.GetProperty("resultCarrier").GetString());
        Assert.Equal("T-Mobile", nacked.GetProperty("carrier").GetString());
    }

    [Fact]
    public async Task Unanswered_switch_is_retransmitted_then_timed_out_and_a_late_result_applies_once()
    {
        await using var cloud = await CloudHarness.StartAsync(FastCommands);
        var modem = await cloud.AddModemAsync(0x1003);
        modem.AnswerCommands = false;
        modem.SendData();
        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        var timedOut = await CommandInStateAsync(cloud, id, "timed-out");
        Assert.Equal(3, timedOut.GetProperty("attempts").GetInt32());
        lock (modem.Commands) Assert.Equal(3, modem.Commands.Count(c => c.CommandId == id));

        await using var sse = await SseClient.ConnectAsync(cloud.Http);
        modem.SendResult(id, AckStatus.Ack, Carrier.Verizon); // late
        modem.SendResult(id, AckStatus.Ack, Carrier.Verizon); // duplicate
        await sse.NextAsync("carrier", e => e.GetProperty("commandId").GetUInt32() == id);
        await Eventually.TrueAsync(() => cloud.Metrics.DuplicateResults == 1, "the duplicate is counted and ignored");
        Assert.Equal("timed-out", (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("state").GetString());
        // Exactly one carrier report for the late result reached the stream.
        await Task.Delay(200);
        int more = 0;
        while (sse.Events.Reader.TryRead(out var e)) if (e.Event == "carrier") more++;
        Assert.Equal(0, more);
    }

    [Fact]
    public async Task Duplicate_ack_of_an_acked_command_is_ignored()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x1004);
        modem.SendData();
        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        await CommandInStateAsync(cloud, id, "acked");
        modem.SendResult(id, AckStatus.Nack, Carrier.Att);
        await Eventually.TrueAsync(() => cloud.Metrics.DuplicateResults == 1, "duplicate counted");
        var command = await cloud.GetJsonAsync($"/api/commands/{id}");
        Assert.Equal("acked", command.GetProperty("state").GetString());
    }

    [Fact]
    public async Task One_command_in_flight_per_modem_the_rest_queue_in_order()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x1005);
        modem.AnswerCommands = false;
        modem.SendData();
        uint first = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        uint second = await SwitchAsync(cloud, modem.Id.ToString(), "T-Mobile");
        await CommandInStateAsync(cloud, first, "sent");
        await Task.Delay(200);
        Assert.Equal("queued", (await cloud.GetJsonAsync($"/api/commands/{second}")).GetProperty("state").GetString());
        lock (modem.Commands) Assert.All(modem.Commands, c => Assert.Equal(first, c.CommandId));

        modem.SendResult(first, AckStatus.Ack, Carrier.Verizon);
        await CommandInStateAsync(cloud, first, "acked");
        await CommandInStateAsync(cloud, second, "sent");
        modem.SendResult(second, AckStatus.Ack, Carrier.TMobile);
        await CommandInStateAsync(cloud, second, "acked");
    }

    [Fact]
    public async Task A_command_queued_past_its_time_to_live_expires()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Commands:QueuedTimeToLive"] = "00:00:00.300" });
        var modem = await cloud.AddModemAsync(0x1006);
        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        var expired = await CommandInStateAsync(cloud, id, "expired");
        Assert.Equal(0, expired.GetProperty("attempts").GetInt32());
        modem.SendData();
        await Task.Delay(300);
        Assert.Empty(modem.Commands);
    }

    [Fact]
    public async Task A_seed_request_naming_no_modem_goes_to_the_configured_default_modem()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:DefaultModem"] = "1008" });
        var other = await cloud.AddModemAsync(0x1007);
        var chosen = await cloud.AddModemAsync(0x1008);
        other.SendData();
        chosen.SendData();
        await Eventually.TrueAsync(() => other.AcksReceived > 0 && chosen.AcksReceived > 0, "both bound");
        var bus = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<SimIoT.Cloud.Bus.IEventBus>(cloud.App.Services);
        bus.Publish("downstream-request", "", """{"type":"carrier-switch-perform","metadata":"Verizon"}"""u8.ToArray());
        await Eventually.TrueAsync(() => { lock (chosen.Commands) return chosen.Commands.Count == 1; }, "the default modem gets the Perform");
        Assert.Equal(Carrier.Verizon, chosen.Carrier);
        lock (other.Commands) Assert.Empty(other.Commands);
    }
}
