using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>An acked switch and the modem's new carrier are one change, for API readers and for the event stream; the command keeps its history.</summary>
public class AckedCarrierTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reader_that_sees_the_switch_acked_sees_the_new_carrier_and_the_carrier_event_comes_first(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        // The gateway's periodic flush of modem state (which also writes the carrier) held back for
        // the whole test: only the acked command's own transaction can bring the carrier in time.
        var settings = new Dictionary<string, string?> { ["Gateway:FlushInterval"] = "00:10:00" };
        await using var cloud = await CloudHarness.StartAsync(settings, postgres: db);
        var modem = await cloud.AddModemAsync(0xac1, "switching");
        modem.SendData();
        await using var events = await SseClient.ConnectAsync(cloud.Http);

        var accepted = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        uint id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
        // Read the two resources as a page would, until the command is acked: never acked beside the old carrier.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var command = await cloud.GetJsonAsync($"/api/commands/{id}");
            var state = command.GetProperty("state").GetString();
            var carrier = (await cloud.GetJsonAsync($"/api/modems/{modem.Id}")).GetProperty("carrier");
            if (state != "acked")
            {
                Assert.True(DateTime.UtcNow < deadline, $"command still {state}");
                continue;
            }
            Assert.Equal("Verizon", carrier.GetString());
            break;
        }

        // The command's history: every transition with its time and attempt, oldest first.
        var history = (await cloud.GetJsonAsync($"/api/commands/{id}")).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["queued", "sent", "acked"], history.Select(h => h.GetProperty("state").GetString()));
        Assert.Equal([0, 1, 1], history.Select(h => h.GetProperty("attempt").GetInt32()));
        var times = history.Select(h => h.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(times.Order(), times);

        // On the stream: the carrier event of the command before its acked state.
        bool carrierSeen = false;
        while (true)
        {
            var (name, data) = await events.Events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
            if (name == "carrier" && data.TryGetProperty("commandId", out var c) && c.ValueKind == JsonValueKind.Number && c.GetUInt32() == id)
            {
                Assert.Equal("Verizon", data.GetProperty("carrier").GetString());
                carrierSeen = true;
            }
            if (name == "command" && data.GetProperty("commandId").GetUInt32() == id && data.GetProperty("state").GetString() == "acked")
            {
                Assert.True(carrierSeen, "the acked command event came before the carrier event");
                break;
            }
        }
    }
}
