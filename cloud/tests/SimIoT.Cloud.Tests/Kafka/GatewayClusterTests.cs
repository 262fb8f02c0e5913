using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Hosting;
using SimIoT.Cloud.Kafka;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Kafka;

/// <summary>
/// Two gateways and an API on one Kafka cluster and one store, behind a UDP load balancer: a
/// modem that moves between the gateways is acked by each (the downlink sequence stays above
/// what the other sent), and a command goes out only from the gateway that holds its binding.
/// </summary>
public sealed class GatewayClusterTests : IClassFixture<KafkaCluster>
{
    private readonly KafkaCluster _kafka;

    public GatewayClusterTests(KafkaCluster kafka) => _kafka = kafka;

    [Fact]
    public async Task A_modem_moving_between_gateways_is_acked_by_each_and_only_the_one_holding_it_sends_its_command()
    {
        var dataDir = Directory.CreateTempSubdirectory("simiot-gateway-cluster").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Kafka"] = _kafka.BootstrapServers,
            ["Bus:GroupPrefix"] = $"test-{Guid.NewGuid():N}",
            ["Bus:CreateTopics"] = _kafka.IsMock ? "false" : "true",
            // Commands reach the gateways through downstream-request only: each one's handling of it is visible.
            ["Commands:ReloadInterval"] = "01:00:00",
        };
        await using var api = await StartAsync(settings, CloudRole.Api, dataDir);
        await using var x = await StartAsync(settings, CloudRole.Gateway, dataDir);
        await using var y = await StartAsync(settings, CloudRole.Gateway, dataDir);
        var id = new ModemId(0x7001);
        var key = new byte[16];
        Random.Shared.NextBytes(key);
        (await api.Http.PostAsJsonAsync("/api/modems", new { id = id.ToString(), masterKey = Convert.ToHexString(key) })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => Registry(x).TryGet(id, out _) && Registry(y).TryGet(id, out _), "both gateways know the modem", TimeSpan.FromSeconds(60));

        using var balancer = new UdpBalancer(x.Udp, y.Udp);
        using var modem = new SimulatedModem(id, key, balancer.EndPoint);
        var t0 = DateTime.UtcNow;
        await SendAndAckAsync(modem, t0, 0);
        balancer.Route(1);
        await SendAndAckAsync(modem, t0, 1);
        await Eventually.TrueAsync(() => Session(x, id).HeldElsewhere, "the first gateway hears the second holds the modem", TimeSpan.FromSeconds(60));
        // Back to the first gateway: the sequences it reserved before lie below those the second sent.
        balancer.Route(0);
        await SendAndAckAsync(modem, t0, 2);
        await Eventually.TrueAsync(() => Session(y, id).HeldElsewhere, "the second gateway hears the first holds the modem again", TimeSpan.FromSeconds(60));

        var accepted = await (await api.Http.PostAsJsonAsync($"/api/modems/{id}/carrier-switch", new { carrier = "Verizon" })).Content.ReadFromJsonAsync<JsonElement>();
        uint command = accepted.GetProperty("id").GetUInt32();
        await Eventually.ValueAsync(() => api.GetJsonAsync($"/api/commands/{command}"), j => j.GetProperty("state").GetString() == "acked", "the switch is acked", TimeSpan.FromSeconds(60));
        Assert.Equal(Carrier.Verizon, modem.Carrier);
        // The second gateway took the request too (queued there) and never sent it.
        await Eventually.TrueAsync(() => y.Metrics.CommandTransitions(CommandState.Queued) == 1, "the second gateway took the request", TimeSpan.FromSeconds(60));
        Assert.Equal(0, y.Metrics.CommandTransitions(CommandState.Sent));
        Assert.Equal(1, x.Metrics.CommandTransitions(CommandState.Sent));
        lock (modem.Commands) Assert.Single(modem.Commands);

        // The first gateway goes away: the modem's next frames go to the second, nothing is lost or stored twice.
        await x.StopAsync();
        balancer.Route(1);
        await SendAndAckAsync(modem, t0, 3);
        var stored = await Eventually.ValueAsync(() => api.GetJsonAsync($"/api/modems/{id}/telemetry/temp"), j => j.GetArrayLength() == 4, "every reading stored", TimeSpan.FromSeconds(60));
        Assert.Equal([0, 1, 2, 3], stored.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()).Order());
    }

    private static async Task SendAndAckAsync(SimulatedModem modem, DateTime t0, int reading)
    {
        uint sequence = modem.SendReading(3, t0.AddSeconds(reading), reading);
        await Eventually.TrueAsync(() => modem.LastAck.Highest >= sequence, $"reading {reading} (frame {sequence}) is acked", TimeSpan.FromSeconds(60));
    }

    private static ModemRegistry Registry(CloudHarness gateway) => gateway.App.Services.GetRequiredService<ModemRegistry>();

    private static ModemSession Session(CloudHarness gateway, ModemId id) => Registry(gateway).TryGet(id, out var session) ? session : throw new InvalidOperationException("no session");

    private static async Task<CloudHarness> StartAsync(Dictionary<string, string?> settings, CloudRole role, string dataDir)
    {
        var cloud = await CloudHarness.StartAsync(new(settings), role, dataDir);
        await cloud.App.Services.GetRequiredService<KafkaEventBus>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        return cloud;
    }
}
