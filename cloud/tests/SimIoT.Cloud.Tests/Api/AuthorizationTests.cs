using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

/// <summary>Who may call what: tokens, roles, organizations (issue 10).</summary>
public class AuthorizationTests
{
    [Fact]
    public async Task Every_endpoint_but_healthz_metrics_and_the_login_form_refuses_anonymous_callers_and_bad_tokens_with_401()
    {
        await using var cloud = await CloudHarness.StartAsync();
        using var anonymous = cloud.Client(null);
        using var forged = cloud.Client(ApiTokens.Generate());
        var endpoints = cloud.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Path: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();
        Assert.Contains(endpoints, e => e.Path == "/api/modems/{id}/carrier-switch");
        foreach (var (method, pattern) in endpoints)
        {
            var path = pattern.Replace("{id}", "00000000000000aa").Replace("{sensor}", "temp").Replace("{documentName}", "v1");
            foreach (var client in new[] { anonymous, forged })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" ? JsonContent.Create(new { }) : null };
                using var response = await client.SendAsync(request);
                var expected = (method, pattern) switch
                {
                    (_, "/healthz" or "/metrics") or ("GET", "/login") => HttpStatusCode.OK,
                    ("POST", "/login" or "/logout") => HttpStatusCode.UnsupportedMediaType, // form posts only (antiforgery: LoginTests)
                    _ => HttpStatusCode.Unauthorized,
                };
                Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }
        var problem = await anonymous.GetAsync("/api/modems");
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Another_organizations_modem_is_404_everywhere_and_its_events_never_reach_the_stream()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var ours = await cloud.AddModemAsync(0xa1);
        var switched = await cloud.Http.PostAsJsonAsync($"/api/modems/{ours.Id}/carrier-switch", new { carrier = "Verizon" });
        Assert.Equal(HttpStatusCode.Accepted, switched.StatusCode);
        var command = switched.Headers.Location!.OriginalString;

        using var other = cloud.Client(await cloud.CreateTokenAsync("globex", Roles.Admin, "globex-admin"));
        foreach (var path in new[] { $"/api/modems/{ours.Id}", $"/api/modems/{ours.Id}/telemetry/temp", $"/api/modems/{ours.Id}/commands", command })
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/modems/{ours.Id}/carrier-switch", new { carrier = "AT&T" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/modems/{ours.Id}")).StatusCode);
        Assert.Equal(0, (await other.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/modems")).GetArrayLength());
        // Still there for its own organization: the other's delete did nothing.
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync($"/api/modems/{ours.Id}")).StatusCode);

        var theirs = await cloud.AddModemAsync(0xb1, caller: other);
        Assert.Single((await other.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/modems")).EnumerateArray());
        await using var ourStream = await SseClient.ConnectAsync(cloud.Http);
        await using var theirStream = await SseClient.ConnectAsync(other);
        ours.SendReading(3, DateTime.UtcNow, 2100);
        await ourStream.NextAsync("telemetry", d => d.GetProperty("modemId").GetString() == ours.Id.ToString());
        theirs.SendReading(3, DateTime.UtcNow, 2200);
        // The stream keeps bus order: had our reading reached their stream, it would come before theirs.
        var first = await theirStream.NextAsync("telemetry");
        Assert.Equal(theirs.Id.ToString(), first.GetProperty("modemId").GetString());
    }

    [Fact]
    public async Task Roles_limit_what_a_token_may_change_and_revoked_or_expired_tokens_are_refused()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0xc1);
        using var viewer = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "wall-screen"));
        using var op = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Operator, "night-shift"));

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/modems/{modem.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await op.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.DeleteAsync($"/api/modems/{modem.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.PostAsJsonAsync("/api/modems", new { id = "00000000000000c2", masterKey = "000102030405060708090a0b0c0d0e0f" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync($"/api/modems/{modem.Id}")).StatusCode);

        var store = cloud.App.Services.GetRequiredService<IIdentityStore>();
        Assert.Equal(1, await store.RevokeTokenAsync(OrganizationNames.Default, "night-shift", DateTime.UtcNow, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.GetAsync($"/api/modems/{modem.Id}")).StatusCode);
        using var expired = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Admin, "old", DateTime.UtcNow.AddSeconds(-1)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync($"/api/modems/{modem.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/modems/{modem.Id}")).StatusCode);
    }
}
