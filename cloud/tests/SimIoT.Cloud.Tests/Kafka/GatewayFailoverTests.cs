using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Kafka;

/// <summary>
/// Scale-out as it runs: the mock Kafka cluster in its own process, an API process and two
/// gateway processes sharing the UDP port (SO_REUSEPORT) on one store. One gateway is SIGKILLed
/// while the modems stream; their next frames reach the other gateway.
/// </summary>
public sealed class GatewayFailoverTests
{
    private static readonly byte[] Key = Convert.FromHexString("202122232425262728292a2b2c2d2e2f");
    private const int Readings = 16;

    [Fact]
    public async Task A_gateway_killed_mid_stream_loses_nothing_and_a_switch_asked_while_it_is_down_is_acked()
    {
        using var cluster = await MockClusterProcess.StartAsync();
        var data = Directory.CreateTempSubdirectory("simiot-gateway-failover").FullName;
        string[] bus = ["--kafka", cluster.BootstrapServers, "--Bus:GroupPrefix", $"t{Guid.NewGuid():N}"];
        var ids = Enumerable.Range(1, 6).Select(i => new ModemId(0xfa1100UL + (ulong)i)).ToList();
        try
        {
            var token = await CloudProcess.CliAsync("token", "create", "--org", "default", "--role", "admin", "--data", data);
            await using var api = await CloudProcess.StartRoleAsync("api", data, bus);
            api.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            foreach (var id in ids)
            {
                using var response = await api.Http.PostAsJsonAsync("/api/modems", new { id = id.ToString(), masterKey = Convert.ToHexString(Key) });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
            await api.WaitReadyAsync();
            // One at a time, as an orchestrator rolls them out: each joins the consumer groups once.
            await using var first = await CloudProcess.StartRoleAsync("gateway", data, [.. bus, "--Gateway:ReusePort", "true"]);
            int port = first.Udp.Port;
            await first.WaitReadyAsync();
            await using var second = await CloudProcess.StartRoleAsync("gateway", data, [.. bus, "--Gateway:ReusePort", "true", "--udp-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(port, second.Udp.Port);
            await second.WaitReadyAsync();

            var modems = ids.Select(id => new SimulatedModem(id, Key, new IPEndPoint(IPAddress.Loopback, port))).ToList();
            try
            {
                var t0 = DateTime.UtcNow.AddMinutes(-1);
                int acked = 0;
                var streaming = Task.WhenAll(modems.Select(m => Task.Run(() => StreamAsync(m, t0, () => Interlocked.Increment(ref acked)))));
                await Eventually.TrueAsync(() => Volatile.Read(ref acked) >= modems.Count * 3, "the modems stream through both gateways", TimeSpan.FromSeconds(60));
                first.Crash();
                var commands = new List<uint>();
                foreach (var id in ids)
                {
                    using var response = await api.Http.PostAsJsonAsync($"/api/modems/{id}/carrier-switch", new { carrier = "Verizon" });
                    Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                    commands.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32());
                }
                await streaming.WaitAsync(TimeSpan.FromSeconds(120));

                // The edge keeps alive until its switch is done; every switch is acked, each modem switched once.
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (modems.Any(m => m.Carrier != Carrier.Verizon))
                {
                    Assert.True(DateTime.UtcNow < deadline, $"not every modem switched:\n{second.Output}");
                    foreach (var m in modems.Where(m => m.Carrier != Carrier.Verizon)) m.SendData();
                    await Task.Delay(500);
                }
                foreach (var command in commands)
                    await Eventually.ValueAsync(() => api.Http.GetFromJsonAsync<JsonElement>($"/api/commands/{command}"), j => j.GetProperty("state").GetString() == "acked", $"command {command} is acked", TimeSpan.FromSeconds(60));
                foreach (var m in modems)
                    lock (m.Commands) Assert.Single(m.Commands, c => c.Packet.Kind == V1PacketKind.CarrierSwitchPerform);

                // Every reading an ack covered is stored, once.
                foreach (var id in ids)
                {
                    var stored = await Eventually.ValueAsync(() => api.Http.GetFromJsonAsync<JsonElement>($"/api/modems/{id}/telemetry/temp"), j => j.GetArrayLength() >= Readings, $"the readings of {id} are stored", TimeSpan.FromSeconds(60));
                    Assert.Equal(Enumerable.Range(0, Readings), stored.EnumerateArray().Select(p => p.GetProperty("data").GetInt32()).Order());
                }
            }
            finally
            {
                foreach (var m in modems) m.Dispose();
            }
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    /// <summary>As the edge does: each reading until an ack covers it, sent again (a new frame, the same reading) each second without one.</summary>
    private static async Task StreamAsync(SimulatedModem modem, DateTime t0, Action acked)
    {
        for (int r = 0; r < Readings; r++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline, $"reading {r} of {modem.Id} never acked");
                uint sequence = modem.SendReading(3, t0.AddSeconds(r), r);
                var wait = DateTime.UtcNow.AddSeconds(1);
                while (!modem.LastAck.Acknowledges(sequence) && DateTime.UtcNow < wait) await Task.Delay(20);
                if (modem.LastAck.Acknowledges(sequence)) break;
            }
            acked();
            await Task.Delay(100);
        }
    }
}
