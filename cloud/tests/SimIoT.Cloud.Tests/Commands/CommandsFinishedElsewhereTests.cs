using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Commands;

/// <summary>
/// With several gateways, each holds every open command until the modem talks to it. A command
/// another gateway finished (the store says so) must not be sent again when the modem moves here.
/// </summary>
public sealed class CommandsFinishedElsewhereTests
{
    [Fact]
    public async Task A_waiting_command_that_another_gateway_finished_is_forgotten_and_never_sent()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Commands:ReloadInterval"] = "00:00:00.200" });
        var modem = await cloud.AddModemAsync(0x5e1);
        var tracker = cloud.App.Services.GetRequiredService<CommandTracker>();
        uint finished = await SwitchAsync(cloud, modem.Id, "Verizon");
        await Eventually.TrueAsync(() => tracker.Tracks(finished), "the command waits here: the modem has not talked to this gateway");

        // Another gateway had the modem's binding and got its ack.
        await cloud.App.Services.GetRequiredService<ICommandStore>().ApplyAsync(
            new CommandStateChange(finished, modem.Id.ToString(), "Verizon", "acked", 1, DateTime.UtcNow, "Verizon"), CancellationToken.None);
        await Eventually.TrueAsync(() => !tracker.Tracks(finished), "the next reload forgets it");

        uint next = await SwitchAsync(cloud, modem.Id, "T-Mobile");
        modem.SendData(); // the modem moves to this gateway
        await Eventually.TrueAsync(() => { lock (modem.Commands) return modem.Commands.Count > 0; }, "a command reaches the modem");
        lock (modem.Commands) Assert.Equal(next, modem.Commands[0].CommandId);
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{next}"), j => j.GetProperty("state").GetString() == "acked", "the new command is acked");
        Assert.Equal("acked", (await cloud.GetJsonAsync($"/api/commands/{finished}")).GetProperty("state").GetString());
    }

    private static async Task<uint> SwitchAsync(CloudHarness cloud, SimIoT.Protocol.V2.ModemId id, string carrier)
    {
        using var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{id}/carrier-switch", new { carrier });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }
}
