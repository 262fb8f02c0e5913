using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class ApiContractTests
{
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Errors_are_problem_details()
    {
        await using var cloud = await CloudHarness.StartAsync();
        await ProblemAsync(await cloud.Http.GetAsync("/api/modems/00000000000000ff"), HttpStatusCode.NotFound);
        await ProblemAsync(await cloud.Http.PostAsJsonAsync("/api/modems/00000000000000ff/carrier-switch", new { carrier = "Verizon" }), HttpStatusCode.NotFound);
        await ProblemAsync(await cloud.Http.GetAsync("/api/commands/4242"), HttpStatusCode.NotFound);
        await ProblemAsync(await cloud.Http.GetAsync("/api/modems/00000000000000ff/telemetry/temp"), HttpStatusCode.NotFound);

        var modem = await cloud.AddModemAsync(0xff);
        var unknownCarrier = await ProblemAsync(await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Sprint" }), HttpStatusCode.BadRequest);
        Assert.Contains("AT&T, T-Mobile, Verizon, Disconnect", unknownCarrier.GetProperty("detail").GetString());
        var malformed = new StringContent("{\"carrier\": ", Encoding.UTF8, "application/json");
        await ProblemAsync(await cloud.Http.PostAsync($"/api/modems/{modem.Id}/carrier-switch", malformed), HttpStatusCode.BadRequest);
        await ProblemAsync(await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "xyz", masterKey = "00" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "12", masterKey = "0011" }), HttpStatusCode.BadRequest);
        await ProblemAsync(await cloud.Http.PostAsJsonAsync("/api/modems", new { id = modem.Id.ToString(), masterKey = "000102030405060708090a0b0c0d0e0f" }), HttpStatusCode.Conflict);
        await ProblemAsync(await cloud.Http.GetAsync($"/api/modems/{modem.Id}/telemetry/temp?maxPoints=0"), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.NoContent, (await cloud.Http.DeleteAsync($"/api/modems/{modem.Id}")).StatusCode);
        await ProblemAsync(await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" }), HttpStatusCode.Conflict);
        await ProblemAsync(await cloud.Http.DeleteAsync($"/api/modems/{modem.Id}"), HttpStatusCode.NotFound);
        await ProblemAsync(await cloud.Http.GetAsync($"/api/modems/{modem.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Modems_are_listed_without_their_key_and_openapi_health_and_metrics_are_served()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var key = "000102030405060708090a0b0c0d0e0f";
        var created = await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000004d2", nickname = "pi-1", masterKey = key });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/modems/00000000000004d2", created.Headers.Location!.OriginalString);
        var list = await cloud.Http.GetStringAsync("/api/modems");
        Assert.DoesNotContain(key, list, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("masterKey", list, StringComparison.OrdinalIgnoreCase);
        var modem = JsonDocument.Parse(list).RootElement[0];
        Assert.Equal("00000000000004d2", modem.GetProperty("id").GetString());
        Assert.Equal("pi-1", modem.GetProperty("nickname").GetString());
        Assert.Equal("v2", modem.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Null, modem.GetProperty("carrier").ValueKind);
        Assert.Equal(JsonValueKind.Null, modem.GetProperty("lastSeen").ValueKind);
        Assert.Equal("stale", modem.GetProperty("link").GetString());

        var openapi = await cloud.GetJsonAsync("/openapi/v1.json");
        var paths = openapi.GetProperty("paths");
        foreach (var path in new[] { "/api/modems", "/api/modems/{id}", "/api/modems/{id}/telemetry/{sensor}", "/api/modems/{id}/carrier-switch", "/api/commands/{id}", "/api/modems/{id}/commands", "/api/events", "/api/bulk-commands", "/api/bulk-commands/{id}" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        Assert.Equal("ok", await cloud.Http.GetStringAsync("/healthz"));
        var metrics = await cloud.Http.GetStringAsync("/metrics");
        foreach (var series in new[] { "simiot_gateway_datagrams_total", "simiot_bus_publish_latency_seconds_bucket", "simiot_commands_total{state=\"acked\"}", "simiot_store_lag_seconds" })
            Assert.Contains(series, metrics);
    }
}
