using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Commands;

/// <summary>
/// A carrier switch accepted with 202 reaches the modem whatever restarts in between: the
/// store holds every accepted command and each gateway adopts the open ones at start (and
/// every Commands:ReloadInterval); seed requests go through a shared group with committed offsets.
/// Everything runs as simiot-cloud processes, killed with SIGKILL.
/// </summary>
public class CommandsSurviveRestartsTests
{
    private static readonly byte[] Key = Convert.FromHexString("101112131415161718191a1b1c1d1e1f");

    [Fact]
    public async Task A_switch_queued_when_the_cloud_crashes_is_delivered_and_acked_after_the_restart()
    {
        var data = Directory.CreateTempSubdirectory("simiot-command-crash").FullName;
        var id = new ModemId(0xc0de01);
        try
        {
            var token = await CloudProcess.CliAsync("token", "create", "--org", "default", "--role", "admin", "--data", data);
            uint command;
            await using (var first = await CloudProcess.StartAsync(data))
            {
                first.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                await RegisterAsync(first.Http, id);
                command = await SwitchAsync(first.Http, id, "Verizon");
                // The modem has sent nothing: no binding, so the command waits.
                Assert.Equal("queued", await StateAsync(first.Http, command));
                first.Crash();
            }
            await using var second = await CloudProcess.StartAsync(data);
            second.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var modem = new SimulatedModem(id, Key, second.Udp);
            await KeepAliveUntilAsync(modem, () => modem.Carrier == Carrier.Verizon, "the switch reaches the modem after the restart", second);
            await WaitForStateAsync(second.Http, command, "acked", second);
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Fact]
    public async Task A_switch_requested_while_the_only_gateway_is_down_is_delivered_when_it_is_back()
    {
        using var cluster = await MockClusterProcess.StartAsync();
        var data = Directory.CreateTempSubdirectory("simiot-command-gateway-down").FullName;
        var id = new ModemId(0xc0de02);
        string[] bus = ["--kafka", cluster.BootstrapServers, "--Bus:GroupPrefix", $"t{Guid.NewGuid():N}"];
        try
        {
            var token = await CloudProcess.CliAsync("token", "create", "--org", "default", "--role", "admin", "--data", data);
            await using var api = await CloudProcess.StartRoleAsync("api", data, bus);
            api.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            await RegisterAsync(api.Http, id);
            uint sequence;
            await using (var gateway = await CloudProcess.StartRoleAsync("gateway", data, bus))
            {
                using var before = new SimulatedModem(id, Key, gateway.Udp);
                await KeepAliveUntilAsync(before, () => before.AcksReceived > 0, "the gateway acks the modem", gateway);
                sequence = before.LastSequence;
                gateway.Crash();
            }
            uint command = await SwitchAsync(api.Http, id, "Verizon");
            await using var restarted = await CloudProcess.StartRoleAsync("gateway", data, bus);
            using var modem = new SimulatedModem(id, Key, restarted.Udp) { LastSequence = sequence };
            await KeepAliveUntilAsync(modem, () => modem.Carrier == Carrier.Verizon, "the switch reaches the modem through the restarted gateway", restarted);
            await WaitForStateAsync(api.Http, command, "acked", api);
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Fact]
    public async Task Seed_requests_from_a_plain_producer_right_after_readyz_and_while_the_cloud_is_down_reach_the_modem()
    {
        using var cluster = await MockClusterProcess.StartAsync();
        var data = Directory.CreateTempSubdirectory("simiot-command-seed").FullName;
        var id = new ModemId(0xc0de03);
        string[] bus = ["--kafka", cluster.BootstrapServers, "--Bus:GroupPrefix", $"t{Guid.NewGuid():N}"];
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        try
        {
            var token = await CloudProcess.CliAsync("token", "create", "--org", "default", "--role", "admin", "--data", data);
            await using (var setup = await CloudProcess.StartAsync(data, bus))
            {
                setup.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                await RegisterAsync(setup.Http, id);
                setup.Stop();
            }
            uint sequence;
            await using (var first = await CloudProcess.StartAsync(data, bus))
            {
                first.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                await first.WaitReadyAsync();
                await producer.ProduceAsync("downstream-request", new Message<Null, string> { Value = """{"type":"carrier-switch-perform","metadata":"Verizon"}""" });
                using var modem = new SimulatedModem(id, Key, first.Udp);
                await KeepAliveUntilAsync(modem, () => modem.Carrier == Carrier.Verizon, "the seed request made right after /readyz reaches the modem", first);
                await WaitForHistoryAsync(first.Http, id, ["acked"], first);
                sequence = modem.LastSequence;
                first.Crash();
            }
            await producer.ProduceAsync("downstream-request", new Message<Null, string> { Value = """{"type":"carrier-switch-perform","metadata":"T-Mobile"}""" });
            await using var second = await CloudProcess.StartAsync(data, bus);
            second.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var again = new SimulatedModem(id, Key, second.Udp) { LastSequence = sequence, Carrier = Carrier.Verizon };
            await KeepAliveUntilAsync(again, () => again.Carrier == Carrier.TMobile, "the seed request made while the cloud was down reaches the modem", second);
            // Each request made one command, acked: none lost, none repeated by the restart.
            var history = await WaitForHistoryAsync(second.Http, id, ["acked", "acked"], second);
            Assert.Equal(["T-Mobile", "Verizon"], history.EnumerateArray().Select(c => c.GetProperty("carrier").GetString()));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    private static async Task RegisterAsync(HttpClient http, ModemId id)
    {
        using var response = await http.PostAsJsonAsync("/api/modems", new { id = id.ToString(), masterKey = Convert.ToHexString(Key) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<uint> SwitchAsync(HttpClient http, ModemId id, string carrier)
    {
        using var response = await http.PostAsJsonAsync($"/api/modems/{id}/carrier-switch", new { carrier });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }

    private static async Task<string?> StateAsync(HttpClient http, uint command) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/commands/{command}")).GetProperty("state").GetString();

    /// <summary>The edge's keepalive: a frame every 500 ms until the condition holds (the gateway sends commands on a fresh binding).</summary>
    private static async Task KeepAliveUntilAsync(SimulatedModem modem, Func<bool> condition, string what, CloudProcess cloud)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within 60 s\n{cloud.Output}");
            modem.SendData();
            await Task.Delay(500);
        }
    }

    private static async Task WaitForStateAsync(HttpClient http, uint command, string state, CloudProcess cloud)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? last;
        while ((last = await StateAsync(http, command)) != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"command {command} is {last}, not {state}, after 60 s\n{cloud.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the modem's commands (newest first) have exactly these states.</summary>
    private static async Task<JsonElement> WaitForHistoryAsync(HttpClient http, ModemId id, string[] states, CloudProcess cloud)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var history = await http.GetFromJsonAsync<JsonElement>($"/api/modems/{id}/commands");
            var seen = history.EnumerateArray().Select(c => c.GetProperty("state").GetString()).ToArray();
            if (seen.SequenceEqual(states)) return history;
            Assert.True(DateTime.UtcNow < deadline, $"commands of {id} are [{string.Join(", ", seen)}], not [{string.Join(", ", states)}], after 60 s\n{cloud.Output}");
            await Task.Delay(100);
        }
    }
}
