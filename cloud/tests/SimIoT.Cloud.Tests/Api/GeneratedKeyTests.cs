using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Api;

public class GeneratedKeyTests
{
    [Fact]
    public async Task Registering_without_a_key_returns_a_generated_key_once_with_its_provisioning_line_and_the_gateway_takes_it()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var created = await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000007a1", nickname = "generated", masterKey = (string?)null });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("masterKey").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", key);
        Assert.Equal($"simiot-edge provision --modem-id 00000000000007a1 --master-key {key} --cloud 127.0.0.1:{cloud.Udp.Port}", body.GetProperty("provisionCommand").GetString());

        // Never again: not in the modem, the fleet, nor the audit.
        foreach (var path in new[] { "/api/modems/00000000000007a1", "/api/modems", "/api/audit" })
        {
            var text = await cloud.Http.GetStringAsync(path);
            Assert.DoesNotContain(key, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("masterKey", text, StringComparison.OrdinalIgnoreCase);
        }
        // A second registration without a key gets another one.
        var other = await (await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "00000000000007a2" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(key, other.GetProperty("masterKey").GetString());

        // The key is the modem's: a SIM holding it is heard.
        var id = new ModemId(0x7a1);
        var registry = cloud.App.Services.GetRequiredService<ModemRegistry>();
        await Eventually.TrueAsync(() => registry.TryGet(id, out _), "gateway knows the modem");
        using var sim = new SimulatedModem(id, Convert.FromHexString(key), cloud.Udp);
        sim.SendReading(3, DateTime.UtcNow, 2150);
        await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems/00000000000007a1/telemetry/temp"), j => j.GetArrayLength() == 1, "the reading is stored");
    }
}
