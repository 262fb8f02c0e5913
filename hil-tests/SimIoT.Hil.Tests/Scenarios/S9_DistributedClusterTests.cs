using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Hil.Tests.Rig;
using SimIoT.LoadGen;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>
/// Scenario 9, the distributed profile: a Kafka cluster in its own process (librdkafka's mock
/// cluster, or the broker named by KAFKA_BOOTSTRAP_SERVERS), PostgreSQL, two API processes and two
/// gateway processes sharing the UDP port (SO_REUSEPORT), the edge agent with the card. The
/// gateway that has the modem is SIGKILLed mid-stream and a carrier switch is requested (through
/// the other API) while it is down: the card's next frames reach the other gateway, nothing is
/// lost, nothing stored twice, the switch is acked.
/// </summary>
public class S9_DistributedClusterTests
{
    [VirtualCardFact]
    public async Task Scenario9_distributed_a_gateway_killed_mid_stream_nothing_lost_nothing_twice_switch_acked()
    {
        var figures = new Figures("S9 distributed: two gateways, two APIs, one gateway killed");
        await using var postgres = await PostgresDatabase.CreateAsync();
        var external = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        using var cluster = string.IsNullOrWhiteSpace(external) ? await MockClusterProcess.StartAsync() : null;
        var data = Directory.CreateTempSubdirectory("simiot-hil-cluster").FullName;
        string[] common = ["--kafka", cluster?.BootstrapServers ?? external!, "--postgres", postgres.ConnectionString, "--Bus:GroupPrefix", $"hil-{Guid.NewGuid():N}"];
        var apis = new List<CloudProcess>();
        var gateways = new List<CloudProcess>();
        string token = "";
        try
        {
            await using var rig = await HilRig.StartAsync(new RigOptions
            {
                ImuHz = 10,
                EnvironmentHz = 2,
                ExternalCloud = async port =>
                {
                    token = await CloudProcess.CliAsync("token", "create", "--org", "default", "--role", "admin", "--data", data, "--postgres", postgres.ConnectionString);
                    // One at a time: the first makes the schema (and the key-encryption key in the shared data folder).
                    foreach (var _ in Enumerable.Range(0, 2))
                    {
                        var api = await CloudProcess.StartRoleAsync("api", data, common);
                        apis.Add(api);
                        await api.WaitReadyAsync();
                        api.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                    }
                    foreach (var _ in Enumerable.Range(0, 2))
                    {
                        var gateway = await CloudProcess.StartRoleAsync("gateway", data,
                            [.. common, "--Gateway:ReusePort", "true", "--udp-port", port.ToString(CultureInfo.InvariantCulture)]);
                        gateways.Add(gateway);
                        Assert.Equal(port, gateway.Udp.Port);
                        await gateway.WaitReadyAsync();
                    }
                    return apis[0].Http;
                },
            });
            await rig.WaitForSamplesAsync("bme280", 3);
            await Eventually.ValueAsync(() => rig.StoredAsync("temp"), s => s.Count > 0, "readings flow through the cluster", HilRig.Wait);

            // The gateway that has taken the card's frames (the kernel keeps its source on one socket) is killed.
            var accepted = new List<long>();
            foreach (var g in gateways) accepted.Add(await GatewayMetrics.AcceptedAsync(g.Http));
            int holder = accepted[0] >= accepted[1] ? 0 : 1;
            Assert.True(accepted[holder] > 0, $"a gateway takes the card's frames: accepted {accepted[0]} and {accepted[1]}");
            long before = await GatewayMetrics.AcceptedAsync(gateways[1 - holder].Http);
            var outage = Stopwatch.StartNew();
            gateways[holder].Crash();

            // Requested through the other API while that gateway is down.
            using var response = await apis[1].Http.PostAsJsonAsync($"/api/modems/{rig.Modem}/carrier-switch", new { carrier = "Verizon" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            uint command = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
            await Eventually.TrueAsync(() => GatewayMetrics.AcceptedAsync(gateways[1 - holder].Http).GetAwaiter().GetResult() > before, "the card's frames reach the other gateway", HilRig.Wait);
            figures.Add("gateway killed to frames taken by the other", outage.Elapsed.TotalMilliseconds, "ms");
            var acked = await Eventually.ValueAsync(() => apis[1].Http.GetFromJsonAsync<JsonElement>($"/api/commands/{command}"),
                j => j.GetProperty("state").GetString() is "acked" or "nacked" or "timed-out" or "expired", "the switch reaches a final state", TimeSpan.FromSeconds(60));
            Assert.Equal("acked", acked.GetProperty("state").GetString());
            figures.Add("gateway killed to switch acked", outage.Elapsed.TotalMilliseconds, "ms");
            Assert.Equal("Verizon", (await rig.ModemAsync()).GetProperty("carrier").GetString());

            await rig.StopSensorsAsync();
            int total = 0;
            foreach (var (device, sensor) in new[] { (DeviceCatalog.Imu, "imu"), (DeviceCatalog.Gyro, "gyro"), (DeviceCatalog.Temperature, "temp") })
                total += await rig.AssertStoredExactlyOnceAsync(device, sensor); // nothing lost, nothing stored twice
            figures.Add("readings stored (exactly once)", total);
            figures.Save();
        }
        finally
        {
            foreach (var p in gateways.Concat(apis)) await p.DisposeAsync();
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }
}
