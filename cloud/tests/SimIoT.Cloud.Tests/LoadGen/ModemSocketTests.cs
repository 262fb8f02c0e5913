using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.LoadGen;

public class ModemSocketTests
{
    [Fact]
    public async Task Modems_sharing_one_socket_each_get_their_own_acks_and_commands()
    {
        await using var cloud = await CloudHarness.StartAsync();
        using var socket = new ModemSocket(cloud.Udp);
        var modems = new List<SimulatedModem>();
        try
        {
            for (ulong id = 0x7101; id <= 0x7103; id++)
            {
                var key = new byte[16];
                Random.Shared.NextBytes(key);
                var response = await cloud.Http.PostAsJsonAsync("/api/modems", new { id = new ModemId(id).ToString(), nickname = $"shared {id}", masterKey = Convert.ToHexString(key) });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var registry = cloud.App.Services.GetRequiredService<ModemRegistry>();
                await Eventually.TrueAsync(() => registry.TryGet(new ModemId(id), out _), "gateway knows the modem");
                modems.Add(new SimulatedModem(new ModemId(id), key, socket));
            }
            Assert.All(modems, m => Assert.Equal(socket.LocalEndPoint, m.LocalEndPoint));

            var sent = modems.Select(m => m.SendReading(DeviceCatalog.Temperature, DateTime.UtcNow, 2100)).ToArray();
            await Eventually.TrueAsync(() => modems.Select((m, i) => m.LastAck.Highest == sent[i]).All(ok => ok), "each modem holds the ack of its own frame");

            var switched = modems[1];
            var command = await cloud.Http.PostAsJsonAsync($"/api/modems/{switched.Id}/carrier-switch", new { carrier = "Verizon" });
            Assert.Equal(HttpStatusCode.Accepted, command.StatusCode);
            await Eventually.TrueAsync(() => switched.Carrier == Protocol.V1.Carrier.Verizon, "the addressed modem switched");
            // The others' commands lists are read after the addressed modem answered: the datagram went to it alone.
            Assert.Single(switched.Commands);
            Assert.Empty(modems[0].Commands);
            Assert.Empty(modems[2].Commands);
        }
        finally
        {
            foreach (var m in modems) m.Dispose();
        }
    }

    [Fact]
    public async Task A_fleet_of_20000_modems_runs_on_a_few_shared_sockets()
    {
        // The gateway side is a plain socket that records what arrives: which modems, from which ports.
        using var gateway = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20 };
        gateway.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var modems = new HashSet<ulong>();
        var ports = new HashSet<int>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            while (!stop.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await gateway.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (SecureFrame.TryReadHeader(buffer.AsSpan(0, r.ReceivedBytes), out var header) == FrameError.None)
                {
                    lock (modems)
                    {
                        modems.Add(header.ModemId.Value);
                        ports.Add(((IPEndPoint)r.RemoteEndPoint).Port);
                    }
                }
            }
        });
        var output = new StringWriter();
        var options = new LoadOptions
        {
            Modems = 20_000,
            Rate = 0.05,
            Duration = TimeSpan.FromSeconds(1),
            Gateway = $"127.0.0.1:{((IPEndPoint)gateway.LocalEndPoint!).Port}",
            Api = null,
            ReportTimeout = TimeSpan.FromSeconds(5),
        };
        Assert.Equal(0, await new LoadRun(options, output).RunAsync(CancellationToken.None));
        // Every modem reported its carrier (several times, unacked); wait for the last to be read.
        await Eventually.TrueAsync(() => { lock (modems) return modems.Count == 20_000; }, "every modem's frames arrived");
        stop.Cancel();
        await receiving;
        Assert.InRange(ports.Count, 1, (20_000 + LoadRun.ModemsPerSocket - 1) / LoadRun.ModemsPerSocket);
        Assert.Contains("sent: ", output.ToString());
    }
}
