using System.Net;
using System.Net.Http.Json;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class RequestLimitsTests
{
    [Fact]
    public async Task Out_of_range_queries_long_nicknames_foreign_hosts_and_cross_origin_calls_are_refused()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xf1);
        foreach (var path in new[] { $"/api/modems/{modem.Id}/telemetry/temp?from=2026-11-24T10:00:05Z&to=2026-11-24T10:00:01Z", $"/api/modems/{modem.Id}/commands?limit=-1", "/api/audit?limit=-5" })
            Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.GetAsync(path)).StatusCode);
        foreach (var nickname in new[] { new string('n', 65), "bell\u0007" })
            Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000000f2", nickname, masterKey = "000102030405060708090a0b0c0d0e0f" })).StatusCode);

        // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/modems");
        rebound.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.SendAsync(rebound)).StatusCode);
        // No CORS: a cross-origin preflight gets no permission.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/modems");
        preflight.Headers.Add("Origin", "http://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        var answer = await cloud.Http.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync($"/api/modems/{modem.Id}/commands?limit=5")).StatusCode);
    }

    [Fact]
    public async Task Event_stream_clients_and_registrations_are_limited_per_organization_with_429()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Auth:SseClientsPerOrganization"] = "1", ["Auth:RegistrationsPerMinute"] = "2" });
        await using (var first = await SseClient.ConnectAsync(cloud.Http))
        {
            using var second = await cloud.Http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            using var other = cloud.Client(await cloud.CreateTokenAsync("globex", Identity.Roles.Viewer, "globex-screen"));
            await using var theirs = await SseClient.ConnectAsync(other);
        }
        await cloud.AddModemAsync(0xf3);
        await cloud.AddModemAsync(0xf4);
        var third = await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000000f5", masterKey = "000102030405060708090a0b0c0d0e0f" });
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
    }
}
