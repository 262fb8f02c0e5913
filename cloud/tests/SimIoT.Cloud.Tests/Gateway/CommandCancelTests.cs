using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>POST /api/commands/{id}/cancel: a queued command is cancelled and never sent; a sent one cannot be unsent.</summary>
public class CommandCancelTests
{
    private static async Task<uint> SwitchAsync(CloudHarness cloud, string modemId, string carrier)
    {
        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modemId}/carrier-switch", new { carrier });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }

    private static Task<JsonElement> CommandInStateAsync(CloudHarness cloud, uint id, string state) =>
        Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{id}"), j => j.GetProperty("state").GetString() == state, $"command {id} is {state}");

    private static bool Received(SimIoT.LoadGen.SimulatedModem modem, uint id)
    {
        lock (modem.Commands) return modem.Commands.Any(c => c.CommandId == id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_queued_command_is_cancelled_audited_streamed_and_never_sent(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        await using var cloud = await CloudHarness.StartAsync(postgres: db);
        var modem = await cloud.AddModemAsync(0xca1);
        await using var sse = await SseClient.ConnectAsync(cloud.Http);
        // No frame from the modem yet: no binding, so both commands stay queued.
        uint cancelled = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        uint next = await SwitchAsync(cloud, modem.Id.ToString(), "T-Mobile");
        await sse.NextAsync("command", e => e.GetProperty("commandId").GetUInt32() == next && e.GetProperty("state").GetString() == "queued");

        var response = await cloud.Http.PostAsync($"/api/commands/{cancelled}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(cancelled, body.GetProperty("id").GetUInt32());
        Assert.Equal("cancelled", body.GetProperty("state").GetString());
        await sse.NextAsync("command", e => e.GetProperty("commandId").GetUInt32() == cancelled && e.GetProperty("state").GetString() == "cancelled");

        // Cancelled is final: a second cancel is a conflict.
        var again = await cloud.Http.PostAsync($"/api/commands/{cancelled}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Contains("already cancelled", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        // The binding comes: the command queued behind the cancelled one is sent and acked, the cancelled one never.
        modem.SendData();
        await CommandInStateAsync(cloud, next, "acked");
        Assert.False(Received(modem, cancelled), "the cancelled command reached the modem");
        Assert.Equal(Protocol.V1.Carrier.TMobile, modem.Carrier);
        var command = await cloud.GetJsonAsync($"/api/commands/{cancelled}");
        Assert.Equal("cancelled", command.GetProperty("state").GetString());
        Assert.Equal(["queued", "cancelled"], command.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("state").GetString()));

        var audit = await cloud.GetJsonAsync("/api/audit");
        var entry = Assert.Single(audit.EnumerateArray(), a => a.GetProperty("action").GetString() == "command.cancelled");
        Assert.Contains($"command {cancelled}", entry.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sent_command_cannot_be_unsent_and_a_finished_one_cannot_be_cancelled(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        await using var cloud = await CloudHarness.StartAsync(postgres: db);
        var modem = await cloud.AddModemAsync(0xca2);
        modem.AnswerCommands = false;
        modem.SendData();
        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");
        await CommandInStateAsync(cloud, id, "sent");

        var sent = await cloud.Http.PostAsync($"/api/commands/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, sent.StatusCode);
        Assert.Contains("a sent command cannot be unsent", (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        modem.SendResult(id, Protocol.V1.AckStatus.Ack, Protocol.V1.Carrier.Verizon);
        await CommandInStateAsync(cloud, id, "acked");
        var final = await cloud.Http.PostAsync($"/api/commands/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, final.StatusCode);
        Assert.Contains("already acked", (await final.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal("acked", (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Only_an_operator_of_the_commands_organization_may_cancel()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xca3);
        uint id = await SwitchAsync(cloud, modem.Id.ToString(), "Verizon");

        using var other = cloud.Client(await cloud.CreateTokenAsync("globex", Roles.Admin, "globex-admin"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/commands/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.PostAsync("/api/commands/999999/cancel", null)).StatusCode);
        using var viewer = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "wall-screen"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"/api/commands/{id}/cancel", null)).StatusCode);
        Assert.Equal("queued", (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("state").GetString());

        using var op = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Operator, "night-shift"));
        Assert.Equal(HttpStatusCode.OK, (await op.PostAsync($"/api/commands/{id}/cancel", null)).StatusCode);
    }

    /// <summary>Cancel races the gateway's first send: whatever the API answered is what happened on the wire.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancel_racing_the_send_either_wins_and_nothing_is_sent_or_loses_with_409(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        // One unanswered attempt of 1 s each: the first command of a round is on the wire, the others wait behind it.
        await using var cloud = await CloudHarness.StartAsync(new() { ["Commands:AckTimeout"] = "00:00:01", ["Commands:MaxAttempts"] = "1", ["Commands:MaxQueuedPerModem"] = "16" }, postgres: db);
        var modem = await cloud.AddModemAsync(0xca4);
        modem.AnswerCommands = false;
        modem.SendData(); // a fresh binding: each command is sent as soon as the gateway has it
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "bound");
        var outcomes = new List<(uint Id, HttpStatusCode Status)>();
        for (int round = 0; round < 3; round++)
        {
            // Four at once: the first goes straight to the gateway's claim, the others queue behind it; all cancelled at once.
            var ids = new List<uint>();
            for (int i = 0; i < 4; i++) ids.Add(await SwitchAsync(cloud, modem.Id.ToString(), i % 2 == 0 ? "Verizon" : "T-Mobile"));
            var statuses = await Task.WhenAll(ids.Select(id => cloud.Http.PostAsync($"/api/commands/{id}/cancel", null)));
            outcomes.AddRange(ids.Zip(statuses.Select(r => r.StatusCode)));
        }
        Assert.Contains(outcomes, o => o.Status == HttpStatusCode.OK);
        // A last command, acked, proves every earlier one has left the modem's queue (sent or dropped).
        modem.AnswerCommands = true;
        uint last = await SwitchAsync(cloud, modem.Id.ToString(), "AT&T");
        await CommandInStateAsync(cloud, last, "acked");
        foreach (var (id, status) in outcomes)
        {
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"command {id}: {status}");
            var state = (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("state").GetString();
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal("cancelled", state);
                Assert.False(Received(modem, id), $"command {id} was cancelled yet sent");
            }
            else
            {
                Assert.Equal("timed-out", state);
                Assert.True(Received(modem, id), $"command {id} was refused a cancel yet never sent");
            }
        }
    }
}
