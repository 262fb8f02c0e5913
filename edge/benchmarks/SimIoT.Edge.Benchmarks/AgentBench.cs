using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Sim.Tests;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Edge.Uplink;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Benchmarks;

/// <summary>
/// <c>./simiot edge bench</c>: the real agent pipeline at 3 sensors × <c>--rate-hz</c> (emulated MPU-6050
/// imu + gyro and BME280, through the dotnet/iot drivers) → reading channel → pump →
/// <see cref="CardUplink"/> → the real applet in the JVM card host over vpcd (the agent is the
/// vpcd server; a relay on the link holds each card response back <c>--apdu-delay-ms</c>) → UDP
/// to a local sink. Prints figures, the last line <c>readings/s: N</c>: readings the card sealed
/// into frames per second.
/// </summary>
internal static class AgentBench
{
    public static Command Create()
    {
        var delay = new Option<int>("--apdu-delay-ms") { Description = "Hold each card response back this many ms (a slow physical SIM)", DefaultValueFactory = _ => 0 };
        var seconds = new Option<double>("--seconds") { Description = "Measurement time after warm-up", DefaultValueFactory = _ => 20 };
        var rate = new Option<int>("--rate-hz") { Description = "Sampling rate of each sensor (MPU-6050: imu + gyro, BME280)", DefaultValueFactory = _ => RateHz };
        var command = new Command("agent", "Readings per second through the whole agent and the card") { delay, seconds, rate };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(delay), parse.GetValue(seconds), parse.GetValue(rate), parse.InvocationConfiguration.Output, ct));
        return command;
    }

    /// <summary>Default sampling rate: 3 × 250 Hz offers 750 readings/s, above both goals, so the figure is what the card path carries.</summary>
    private const int RateHz = 250;

    private static async Task<int> RunAsync(int delayMs, double seconds, int rateHz, TextWriter output, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("simiot-edge-bench-").FullName;
        using var sink = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        long datagrams = 0;
        var receive = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await sink.ReceiveAsync(ct);
                    Interlocked.Increment(ref datagrams);
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                // Stopping.
            }
        }, CancellationToken.None);

        string state = Path.Combine(dir, "card.bin");
        await ProvisionAsync(state, (IPEndPoint)sink.Client.LocalEndPoint!, ct);

        int vpcdPort = FreeTcpPort();
        var builder = EdgeHost.CreateBuilder(
        [
            $"--Edge:QueueDirectory={Path.Combine(dir, "queue")}", "--Edge:Mqtt:Enabled=false",
            "--Edge:Sensors:0:Name=mpu6050", "--Edge:Sensors:0:Chip=mpu6050", $"--Edge:Sensors:0:RateHz={rateHz}",
            "--Edge:Sensors:1:Name=bme280", "--Edge:Sensors:1:Chip=bme280", $"--Edge:Sensors:1:RateHz={rateHz}",
            "--Edge:Card:Transport=vpcd", $"--Edge:Card:VpcdPort={vpcdPort}",
            // The sink does not acknowledge: no replay and no holding frames behind a backlog during the run.
            "--Edge:Uplink:ReplayAfter=01:00:00",
            "--Logging:LogLevel:Default=Warning",
        ], emulate: true);
        builder.Services.AddEdgeAgent(builder.Configuration);
        using var agent = builder.Build();
        await agent.StartAsync(ct);
        await using var relay = new VpcdDelayRelay(vpcdPort, TimeSpan.FromMilliseconds(delayMs));
        using var card = AppletCardHost.StartJava(state, relay.Port, Path.Combine(dir, "card-host.log"));
        var uplink = agent.Services.GetRequiredService<CardUplink>();
        var readings = agent.Services.GetRequiredService<ReadingChannel>();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (uplink.ReadingsSubmitted == 0)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException($"no reading reached the card in 90 s (card host log: {Path.Combine(dir, "card-host.log")})");
                await Task.Delay(100, ct);
            }

            await Task.Delay(TimeSpan.FromSeconds(3), ct); // warm-up: JIT, first frames
            var process = Process.GetCurrentProcess();
            var before = Snapshot(uplink, readings, relay, process, Interlocked.Read(ref datagrams));
            var watch = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            double elapsed = watch.Elapsed.TotalSeconds;
            process.Refresh();
            var after = Snapshot(uplink, readings, relay, process, Interlocked.Read(ref datagrams));

            long sealedReadings = after.Submitted - before.Submitted;
            long apdus = after.Apdus - before.Apdus;
            double offered = (sealedReadings + after.Dropped - before.Dropped + after.Buffered - before.Buffered) / elapsed;
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine(string.Create(inv, $"card: real applet in the JVM card host over vpcd, each response held back {delayMs} ms by a relay on the vpcd link"));
            output.WriteLine(string.Create(inv, $"sensors: MPU-6050 at {rateHz} Hz (imu + gyro, FIFO) and BME280 at {rateHz} Hz: offered {offered:F0} readings/s"));
            output.WriteLine(string.Create(inv, $"measured: {elapsed:F1} s; frames to the UDP sink: {(after.Datagrams - before.Datagrams) / elapsed:F1}/s"));
            output.WriteLine(string.Create(inv, $"backlog: {after.Buffered} readings buffered (was {before.Buffered}), {after.Dropped - before.Dropped} dropped in the run"));
            output.WriteLine(string.Create(inv, $"agent process: CPU {(after.Cpu - before.Cpu).TotalSeconds / elapsed * 100:F1} % of one core, RSS {process.WorkingSet64 / 1048576.0:F0} MB (peak {process.PeakWorkingSet64 / 1048576.0:F0} MB), relay and sink included"));
            output.WriteLine(string.Create(inv, $"APDUs per reading: {(sealedReadings == 0 ? double.NaN : (double)apdus / sealedReadings):F2}"));
            output.WriteLine(string.Create(inv, $"card time per reading: {(sealedReadings == 0 ? double.NaN : (after.CardTime - before.CardTime).TotalMilliseconds / sealedReadings):F2} ms"));
            output.WriteLine(string.Create(inv, $"readings/s: {sealedReadings / elapsed:F0}"));
            return 0;
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
            if (!card.HasExited) card.Kill(entireProcessTree: true);
            await card.WaitForExitAsync(CancellationToken.None);
            sink.Dispose();
            await receive;
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task ProvisionAsync(string state, IPEndPoint cloud, CancellationToken ct)
    {
        using var host = new AppletCardHost(state);
        await using var terminal = new ToolkitTerminal(host.Channel, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
        await CardProvisioner.ProvisionAsync(new SimCard(terminal), CardProvisioner.TransportKey,
            new Provisioning(new ModemId(1), new byte[16], cloud, [Carrier.Att], Carrier.Att), null, ct);
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static Figures Snapshot(CardUplink uplink, ReadingChannel readings, VpcdDelayRelay relay, Process process, long datagrams) =>
        new(uplink.ReadingsSubmitted, readings.Dropped, readings.Reader.Count, relay.Apdus, relay.CardTime, process.TotalProcessorTime, datagrams);

    private sealed record Figures(long Submitted, long Dropped, int Buffered, long Apdus, TimeSpan CardTime, TimeSpan Cpu, long Datagrams);
}
