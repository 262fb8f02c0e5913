using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using static SimIoT.Cloud.Tests.Ui.FleetEventsTests;

namespace SimIoT.Cloud.Tests.Commands;

/// <summary>A sent command always ends: timed out after its attempts, whatever its modem's binding and the store reloads do meanwhile.</summary>
public class CommandTimeoutTests
{
    private static async Task<uint> SwitchAsync(CloudHarness cloud, SimulatedModem modem)
    {
        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }

    private static Task<JsonElement> CommandInStateAsync(CloudHarness cloud, uint id, string state, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{id}"), j => j.GetProperty("state").GetString() == state, $"command {id} is {state}", timeout);

    private static int Received(SimulatedModem modem, uint id)
    {
        lock (modem.Commands) return modem.Commands.Count(c => c.CommandId == id);
    }

    [Fact]
    public async Task A_sent_command_whose_modem_falls_silent_is_retransmitted_to_its_stale_binding_and_times_out_after_its_attempts()
    {
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Commands:AckTimeout"] = "00:00:01",
            ["Commands:MaxAttempts"] = "10",
            ["Gateway:LinkFreshness"] = "00:00:01.500",
        });
        var modem = await cloud.AddModemAsync(0xc71);
        modem.AnswerCommands = false;
        uint id;
        await using (Readings.Start(modem)) // the binding is fresh until the command is on the wire
        {
            id = await SwitchAsync(cloud, modem);
            await CommandInStateAsync(cloud, id, "sent");
        }

        // Silent from here: the binding is stale 1.5 s after the last frame, long before the tenth attempt.
        // The retransmissions still go where the modem last spoke, and the command ends after the tenth.
        var timedOut = await CommandInStateAsync(cloud, id, "timed-out", TimeSpan.FromSeconds(30));
        Assert.Equal(10, timedOut.GetProperty("attempts").GetInt32());
        Assert.Equal("no result after 10 attempts", timedOut.GetProperty("detail").GetString());
        await Eventually.TrueAsync(() => Received(modem, id) == 10, "the modem received every attempt");
    }

    [Fact]
    public async Task A_command_the_store_reload_finds_again_while_it_is_on_the_wire_keeps_its_attempts_and_times_out()
    {
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Commands:AckTimeout"] = "00:00:01",
            ["Commands:MaxAttempts"] = "2",
            ["Commands:ReloadInterval"] = "00:00:00.050", // the open commands are read back many times per attempt
        });
        var modem = await cloud.AddModemAsync(0xc72);
        modem.AnswerCommands = false;
        await using var readings = Readings.Start(modem); // fresh throughout: every attempt is sent

        uint id = await SwitchAsync(cloud, modem);
        var timedOut = await CommandInStateAsync(cloud, id, "timed-out");
        Assert.Equal(2, timedOut.GetProperty("attempts").GetInt32());
        Assert.Equal("no result after 2 attempts", timedOut.GetProperty("detail").GetString());
        await Eventually.TrueAsync(() => Received(modem, id) == 2, "the modem received both attempts");
        Assert.Equal(2, Received(modem, id));
    }
}
