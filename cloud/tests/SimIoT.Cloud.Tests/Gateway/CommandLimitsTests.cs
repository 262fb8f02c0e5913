using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>Per-command time to live and attempt limit, bounded by configuration; the per-modem queue cap; the modem-deleted state.</summary>
public class CommandLimitsTests
{
    private static async Task<uint> SwitchAsync(CloudHarness cloud, string modemId, object body)
    {
        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modemId}/carrier-switch", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }

    private static Task<JsonElement> CommandInStateAsync(CloudHarness cloud, uint id, string state) =>
        Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{id}"), j => j.GetProperty("state").GetString() == state, $"command {id} is {state}");

    private static int Received(SimIoT.LoadGen.SimulatedModem modem, uint id)
    {
        lock (modem.Commands) return modem.Commands.Count(c => c.CommandId == id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_commands_own_ttl_and_attempts_apply_and_are_bounded_by_configuration(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Commands:AckTimeout"] = "00:00:00.300",
            ["Commands:MaxAttempts"] = "3",
            ["Commands:MaxTimeToLive"] = "00:01:00",
        }, postgres: db);
        var modem = await cloud.AddModemAsync(0xd11);
        string path = $"/api/modems/{modem.Id}/carrier-switch";

        foreach (var (body, field) in new (object, string)[]
        {
            (new { carrier = "Verizon", ttl = 0 }, "ttl"), (new { carrier = "Verizon", ttl = 61 }, "ttl"),
            (new { carrier = "Verizon", maxAttempts = 0 }, "maxAttempts"), (new { carrier = "Verizon", maxAttempts = 4 }, "maxAttempts"),
        })
        {
            var bad = await cloud.Http.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        }
        Assert.Empty((await cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands")).EnumerateArray());

        // No binding: a 1-second command expires queued, and is never sent once the binding comes.
        uint shortLived = await SwitchAsync(cloud, modem.Id.ToString(), new { carrier = "Verizon", ttl = 1 });
        var expired = await CommandInStateAsync(cloud, shortLived, "expired");
        Assert.Equal(1, expired.GetProperty("ttl").GetInt32());

        modem.AnswerCommands = false;
        modem.SendData();
        // One attempt asked for: timed out after the first send, where the default would send three times.
        uint once = await SwitchAsync(cloud, modem.Id.ToString(), new { carrier = "T-Mobile", maxAttempts = 1 });
        var timedOut = await CommandInStateAsync(cloud, once, "timed-out");
        Assert.Equal(1, timedOut.GetProperty("attempts").GetInt32());
        Assert.Equal(1, timedOut.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(1, Received(modem, once));
        Assert.Equal(0, Received(modem, shortLived));

        // The default: three attempts.
        uint standard = await SwitchAsync(cloud, modem.Id.ToString(), new { carrier = "T-Mobile" });
        Assert.Equal(3, (await CommandInStateAsync(cloud, standard, "timed-out")).GetProperty("attempts").GetInt32());
        Assert.Equal(3, Received(modem, standard));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Past_the_per_modem_queue_cap_a_switch_is_429_even_when_requests_race(bool postgres)
    {
        await using var db = postgres ? await PostgresDatabase.CreateAsync() : null;
        await using var cloud = await CloudHarness.StartAsync(new() { ["Commands:MaxQueuedPerModem"] = "3" }, postgres: db);
        var modem = await cloud.AddModemAsync(0xd12); // no binding: everything stays queued
        var other = await cloud.AddModemAsync(0xd13);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" })));
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Accepted).ToList();
        Assert.Equal(5, refused.Count);
        foreach (var r in refused)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            Assert.Contains("3 open commands", (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Equal(3, (await cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands")).GetArrayLength());

        // The cap is per modem, and a finished command frees its place.
        await SwitchAsync(cloud, other.Id.ToString(), new { carrier = "Verizon" });
        var first = (await cloud.GetJsonAsync($"/api/modems/{modem.Id}/commands"))[0].GetProperty("id").GetUInt32();
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.PostAsync($"/api/commands/{first}/cancel", null)).StatusCode);
        await SwitchAsync(cloud, modem.Id.ToString(), new { carrier = "T-Mobile" });
    }

    [Fact]
    public async Task Deleting_a_modem_ends_its_open_commands_as_modem_deleted()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xd14);
        uint queued = await SwitchAsync(cloud, modem.Id.ToString(), new { carrier = "Verizon" });
        await CommandInStateAsync(cloud, queued, "queued");
        Assert.Equal(HttpStatusCode.NoContent, (await cloud.Http.DeleteAsync($"/api/modems/{modem.Id}")).StatusCode);
        var ended = await CommandInStateAsync(cloud, queued, "modem-deleted");
        Assert.Equal("modem deleted", ended.GetProperty("detail").GetString());
    }
}
