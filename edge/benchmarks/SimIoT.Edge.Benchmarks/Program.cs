// Card-path load generator: how many readings per second the SIM path carries, and how many
// APDUs each costs, against the real applet in its JVM card host. Prints figures; asserts nothing.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Benchmarks;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Sim.Tests;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

// `agent`: the whole agent pipeline (./simiot edge bench); otherwise the card path alone.
if (args is ["agent", ..])
{
    var root = new System.CommandLine.RootCommand("SimIoT edge benchmarks") { AgentBench.Create() };
    return await root.Parse(args).InvokeAsync();
}

double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
var dir = Directory.CreateTempSubdirectory("simiot-bench-").FullName;
using var cloud = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
long datagrams = 0;
var drain = Task.Run(async () => { try { while (true) { await cloud.ReceiveAsync(); datagrams++; } } catch (ObjectDisposedException) { } catch (SocketException) { } });

using var host = new AppletCardHost(Path.Combine(dir, "card.bin"));
var channel = new CountingChannel(host.Channel);
await using var terminal = new ToolkitTerminal(channel, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
var sim = new SimCard(terminal);
await CardProvisioner.ProvisionAsync(sim, CardProvisioner.TransportKey,
    new Provisioning(new ModemId(1), new byte[16], (IPEndPoint)cloud.Client.LocalEndPoint!, [Carrier.Att], Carrier.Att), null, CancellationToken.None);
await sim.StartSessionAsync(CancellationToken.None);

Console.WriteLine($"card path: real applet in the JVM card host over vpcd on loopback; {seconds} s per run");
Console.WriteLine("| readings per batch | readings/s | frames/s | APDUs per reading | card time per APDU |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
foreach (int batch in new[] { 1, 3, 9, 18 })
{
    // A mix like the agent's: imu and gyro (three axes) and temp (one value).
    var readings = Enumerable.Range(0, batch).Select(i => V1Packet.IotData((uint)(i % 3 + 1), DateTime.UtcNow,
        i % 3 == 2 ? TelemetryValues.Encode(2200 + i) : TelemetryValues.Encode(i, -i, 1000))).ToList();
    long apdus0 = channel.Apdus, sent0 = datagrams;
    var time0 = channel.CardTime;
    long count = 0;
    var watch = Stopwatch.StartNew();
    while (watch.Elapsed.TotalSeconds < seconds) count += await sim.SubmitAsync(readings, CancellationToken.None);
    double elapsed = watch.Elapsed.TotalSeconds;
    long apdus = channel.Apdus - apdus0;
    Console.WriteLine(System.FormattableString.Invariant(
        $"| {batch} | {count / elapsed:F0} | {(datagrams - sent0) / elapsed:F0} | {(double)apdus / count:F2} | {(channel.CardTime - time0).TotalMilliseconds / apdus:F2} ms |"));
}
cloud.Dispose();
Directory.Delete(dir, recursive: true);
return 0;

sealed class NoModem : IModemControl
{
    public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) => Task.CompletedTask;
}
