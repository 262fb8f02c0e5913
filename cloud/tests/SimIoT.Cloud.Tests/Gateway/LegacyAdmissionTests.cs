using System.Net;
using System.Net.Sockets;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Gateway;

public class LegacyAdmissionTests
{
    [Fact]
    public async Task Legacy_modems_are_taken_only_from_the_configured_networks_into_the_legacy_organization()
    {
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Gateway:LegacyV1"] = "true",
            ["Gateway:LegacyNetworks:0"] = "10.99.0.0/16",
            ["Gateway:LegacyNetworks:1"] = "127.0.0.1/32",
            ["Gateway:LegacyOrganization"] = "field-legacy",
        });
        // Linux routes all of 127/8 to the loopback: 127.0.0.2 is a real source outside the networks.
        using var outsider = SeedModem(IPAddress.Parse("127.0.0.2"));
        using var insider = SeedModem(IPAddress.Loopback);
        Send(outsider, cloud, 1);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.LegacyNetworkRefused) == 1, "the outsider is refused and counted");
        Send(insider, cloud, 2);

        using var legacyViewer = cloud.Client(await cloud.CreateTokenAsync("field-legacy", Identity.Roles.Viewer, "legacy-screen"));
        var id = LegacyModemId.From((IPEndPoint)insider.LocalEndPoint!).ToString();
        var listed = await Eventually.ValueAsync(async () => System.Text.Json.JsonDocument.Parse(await legacyViewer.GetStringAsync("/api/modems")).RootElement,
            j => j.GetArrayLength() == 1, "the insider is registered in the legacy organization");
        Assert.Equal(id, listed[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync($"/api/modems/{id}")).StatusCode);
        Assert.Equal(1, cloud.Metrics.DatagramCount(DatagramOutcome.LegacyNetworkRefused));
        Assert.Contains("simiot_gateway_datagrams_total{outcome=\"legacy-network-refused\"} 1", await cloud.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Legacy_modems_beyond_the_configured_number_are_refused_and_counted()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:LegacyV1"] = "true", ["Gateway:LegacyMaxModems"] = "2" });
        using var first = SeedModem(IPAddress.Loopback);
        using var second = SeedModem(IPAddress.Loopback);
        using var third = SeedModem(IPAddress.Loopback);
        Send(first, cloud, 1);
        Send(second, cloud, 2);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) == 2, "two legacy modems taken");
        Send(third, cloud, 3);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.LegacyLimitReached) == 1, "the third is refused and counted");
        // The two held keep being served.
        Send(first, cloud, 4);
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.Accepted) == 3, "a held legacy modem is still taken");
        var listed = await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems"), j => j.GetArrayLength() == 2, "both held modems are listed");
        var ids = listed.EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToHashSet();
        Assert.DoesNotContain(LegacyModemId.From((IPEndPoint)third.LocalEndPoint!).ToString(), ids);
        Assert.Contains("simiot_gateway_datagrams_total{outcome=\"legacy-limit-reached\"} 1", await cloud.Http.GetStringAsync("/metrics"));
    }

    private static Socket SeedModem(IPAddress source)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(source, 0));
        return socket;
    }

    private static void Send(Socket modem, CloudHarness cloud, int value) =>
        modem.SendTo(V1Packet.IotData(3, DateTime.UtcNow, TelemetryValues.Encode(value)).ToArray(), cloud.Udp);
}
