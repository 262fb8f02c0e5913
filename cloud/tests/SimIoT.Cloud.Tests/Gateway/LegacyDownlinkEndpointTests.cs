using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Api;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Tests.Api;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>The seed's modem sends from an ephemeral port and listens on a fixed one: its downlink endpoint.</summary>
public class LegacyDownlinkEndpointTests
{
    [Fact]
    public async Task A_self_registered_legacy_modem_gets_its_carrier_switch_on_its_downlink_endpoint()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:LegacyV1"] = "true" });
        using var sending = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sending.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sending.Connect(cloud.Udp);
        using var listening = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        listening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listening.ReceiveTimeout = 10_000;
        var id = LegacyModemId.From((IPEndPoint)sending.LocalEndPoint!);
        var path = $"/api/modems/{id}";

        sending.Send(V1Packet.IotData(3, DateTime.UtcNow, Protocol.Telemetry.TelemetryValues.Encode(21)).ToArray());
        await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems?protocol=v1"), j => j.GetArrayLength() == 1, "the legacy modem registered itself");

        foreach (var bad in new[] { "localhost:6002", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "6002" })
            await ModemPatchTests.AssertProblemAsync(await cloud.Http.PatchAsJsonAsync(path, new { downlinkEndpoint = bad }), HttpStatusCode.BadRequest);
        var endpoint = ((IPEndPoint)listening.LocalEndPoint!).ToString();
        var patched = await cloud.Http.PatchAsJsonAsync(path, new { downlinkEndpoint = endpoint });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(endpoint, (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("downlinkEndpoint").GetString());
        Assert.Contains((await cloud.GetJsonAsync("/api/audit")).EnumerateArray(),
            a => a.GetProperty("action").GetString() == "modem.downlink-endpoint-set" && a.GetProperty("detail").GetString() == endpoint);
        var registry = cloud.App.Services.GetRequiredService<ModemRegistry>();
        await Eventually.TrueAsync(() => registry.TryGet(id, out var s) && s.DownlinkEndpoint?.ToString() == endpoint, "the gateway took the downlink endpoint");

        var accepted = await cloud.Http.PostAsJsonAsync($"{path}/carrier-switch", new { carrier = "Verizon" });
        var command = (await accepted.Content.ReadFromJsonAsync<CommandAccepted>())!.Id;
        var buffer = new byte[64];
        int n = listening.Receive(buffer);
        Assert.Equal("1020", Convert.ToHexStringLower(buffer, 0, n));
        // The modem answers from where it sends, as the seed's modem does.
        sending.Send(V1Packet.Ack(AckStatus.Ack, Carrier.Verizon).ToArray());
        await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/commands/{command}"), j => j.GetProperty("state").GetString() == "acked", "acked");
        // The Perform was sent before the ack that completed it: none went to the sending port.
        Assert.Equal(0, sending.Available);

        // Cleared: the next switch goes to where the modem sends from again.
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.PatchAsJsonAsync(path, new { downlinkEndpoint = (string?)null })).StatusCode);
        await Eventually.TrueAsync(() => registry.TryGet(id, out var s) && s.DownlinkEndpoint is null, "the gateway dropped the downlink endpoint");
        await cloud.Http.PostAsJsonAsync($"{path}/carrier-switch", new { carrier = "AT&T" });
        sending.ReceiveTimeout = 10_000;
        n = sending.Receive(buffer);
        Assert.Equal(2, n);
    }
}
