using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Queue;
using SimIoT.Edge.Sampling;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Sim.Tests;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Edge.Uplink;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Tests.Uplink;

/// <summary>
/// The whole agent: emulated MPU-6050 and BME280 sampled by the scheduler, readings handed to
/// the real applet over the agent's vpcd server, frames sent over UDP to a stand-in cloud that
/// acknowledges them the way the gateway does.
/// </summary>
public sealed class CardUplinkTests : IDisposable
{
    // Generous: the card host is a JVM and the agent shares two cores with the rest of the suite.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly byte[] MasterKey = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
    private static readonly ModemId Modem = new(0xfeed);

    private readonly string _dir = Directory.CreateTempSubdirectory("simiot-agent-").FullName;
    private readonly StandInCloud _cloud = new();

    public void Dispose()
    {
        _cloud.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string CardState => Path.Combine(_dir, "card.bin");

    private async Task ProvisionCardAsync()
    {
        using var host = new AppletCardHost(CardState);
        await using var terminal = new ToolkitTerminal(host.Channel, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ToolkitTerminal>.Instance);
        await CardProvisioner.ProvisionAsync(new SimCard(terminal), CardProvisioner.TransportKey,
            new Provisioning(Modem, MasterKey, _cloud.Endpoint, [Carrier.Att, Carrier.Verizon], Carrier.Att), null, CancellationToken.None);
    }

    private IHost BuildAgent(int vpcdPort, int mpuHz = 20, int bmeHz = 5, string frameDeadline = "00:00:00.2") =>
        BuildAgentWith(vpcdPort,
            "--Edge:Mqtt:Enabled=false", $"--Edge:Sensors:0:RateHz={mpuHz}", $"--Edge:Sensors:1:RateHz={bmeHz}",
            "--Edge:Uplink:RecoveryMax=00:00:01", "--Edge:Uplink:ReplayAfter=00:00:01", $"--Edge:Uplink:FrameDeadline={frameDeadline}");

    private IHost BuildMqttAgent(int vpcdPort) =>
        BuildAgentWith(vpcdPort,
            "--Edge:Mqtt:Port=0", "--Edge:Mqtt:BindAddress=127.0.0.1", "--Edge:Sensors:0:RateHz=1", "--Edge:Sensors:1:RateHz=1");

    /// <summary>An emulated agent on the vpcd card transport with its queue in this test's folder, plus <paramref name="settings"/>.</summary>
    private IHost BuildAgentWith(int vpcdPort, params string[] settings)
    {
        var builder = EdgeHost.CreateBuilder([
            "--Edge:Card:Transport=vpcd", $"--Edge:Card:VpcdPort={vpcdPort}", $"--Edge:QueueDirectory={Path.Combine(_dir, "queue")}",
            .. settings], emulate: true);
        builder.Services.AddEdgeAgent(builder.Configuration);
        return builder.Build();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>
    /// Provisions the card, starts the agent (built by <paramref name="build"/> for a free vpcd port,
    /// <see cref="BuildAgent"/> by default) and then the card host on that port.
    /// </summary>
    private async Task<AgentWithCard> StartAgentWithCardAsync(Func<int, IHost>? build = null)
    {
        await ProvisionCardAsync();
        int port = FreePort();
        var agent = (build ?? (p => BuildAgent(p)))(port);
        try
        {
            await agent.StartAsync();
        }
        catch
        {
            agent.Dispose();
            throw;
        }
        return new AgentWithCard(agent, CardState, port);
    }

    private static long TemperaturesSampled(IHost agent) =>
        agent.Services.GetRequiredService<SamplingService>().Scheduler!.Health.Single(h => h.Name == "bme280").Samples;

    [Fact]
    public async Task Sensor_readings_reach_the_cloud_sealed_by_the_card_and_acknowledged_frames_leave_the_queue()
    {
        await using var rig = await StartAgentWithCardAsync();
        await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Imu, Wait);
        await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Gyro, Wait);
        var temp = await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Temperature, Wait);
        Assert.InRange(TelemetryValues.TryDecode(temp.Data.Span, out var v) ? v[0] : int.MinValue, -4000, 8500); // centi-°C from the BME280 compensation
        Assert.InRange(DateTime.UtcNow - temp.Timestamp, TimeSpan.Zero, TimeSpan.FromSeconds(30));

        var queue = rig.Agent.Services.GetRequiredService<FrameQueue>();
        var deadline = Stopwatch.StartNew();
        while (queue.Count > 3 && deadline.Elapsed < Wait) await Task.Delay(100);
        Assert.True(queue.Count <= 3, $"{queue.Count} frames still waiting for acknowledgement");
        Assert.True(_cloud.Frames > 0);
        Assert.Equal(0, _cloud.Rejected);
    }

    [Fact]
    public async Task A_path_challenge_comes_back_sealed_by_the_card_in_a_frame_of_its_own()
    {
        await using var rig = await StartAgentWithCardAsync();
        await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Imu, Wait);
        var nonce = PathChallenge.NewNonce();
        await _cloud.ChallengeAsync(Modem, nonce);

        // The stand-in takes a reading only from a frame whose CMAC verified: the card sealed it.
        var response = await _cloud.WaitForAsync(PathChallenge.IsResponse, Wait);
        Assert.Equal(nonce, response.Data.ToArray());
        Assert.InRange(DateTime.UtcNow - response.Timestamp, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Equal(0, _cloud.Rejected);
    }

    [Fact]
    public async Task A_card_pulled_mid_stream_is_waited_for_and_no_reading_is_lost()
    {
        await using var rig = await StartAgentWithCardAsync();
        await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Temperature, Wait);
        await rig.PullCardAsync();
        var pulledAt = DateTime.UtcNow;
        await Task.Delay(2000);
        rig.InsertCard();
        await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Temperature && r.Timestamp > pulledAt.AddSeconds(1), Wait);

        // Every BME280 sample taken so far (one temp reading each), before, during and after the
        // outage, reaches the cloud exactly once.
        long sampled = TemperaturesSampled(rig.Agent);
        var watch = Stopwatch.StartNew();
        while (_cloud.Readings.Count(r => r.DeviceId == DeviceCatalog.Temperature) < sampled && watch.Elapsed < Wait) await Task.Delay(100);
        var stamps = _cloud.Readings.Where(r => r.DeviceId == DeviceCatalog.Temperature).Select(r => r.Timestamp).ToList();
        Assert.True(stamps.Count >= sampled, $"{stamps.Count} of {sampled} temperature samples reached the cloud");
        Assert.Equal(stamps.Count, stamps.Distinct().Count());
        Assert.Contains(stamps, t => t > pulledAt && t < pulledAt.AddSeconds(2)); // sampled while the card was out
        Assert.Equal(0, rig.Agent.Services.GetRequiredService<SimIoT.Edge.Readings.ReadingChannel>().Dropped);
        Assert.True(rig.Agent.Services.GetRequiredService<CardUplink>().SessionsStarted >= 2);
    }

    [Fact]
    public async Task Frames_made_while_the_cloud_is_down_survive_an_agent_restart_and_arrive_once()
    {
        await ProvisionCardAsync();
        int port = FreePort();
        _cloud.Down = true;
        var java = AppletCardHost.StartJava(CardState, port);
        long sampledWhileDown;
        try
        {
            using (var agent = BuildAgent(port))
            {
                await agent.StartAsync();
                var queue = agent.Services.GetRequiredService<FrameQueue>();
                var watch = Stopwatch.StartNew();
                while (queue.Count < 5 && watch.Elapsed < Wait) await Task.Delay(100);
                Assert.True(queue.Count >= 5, "frames should pile up on disk while the cloud is unreachable");
                await agent.StopAsync(); // the agent is stopped (or killed) with the backlog on disk
                sampledWhileDown = TemperaturesSampled(agent);
            }
            Assert.Empty(_cloud.Readings);

            _cloud.Down = false;
            using var restarted = BuildAgent(port);
            await restarted.StartAsync();
            try
            {
                var watch = Stopwatch.StartNew();
                while (_cloud.Readings.Count(r => r.DeviceId == DeviceCatalog.Temperature) < sampledWhileDown && watch.Elapsed < Wait) await Task.Delay(100);
                var temps = _cloud.Readings.Where(r => r.DeviceId == DeviceCatalog.Temperature).Select(r => r.Timestamp).ToList();
                Assert.True(temps.Count >= sampledWhileDown, $"{temps.Count} of the {sampledWhileDown} temperatures sampled while the cloud was down arrived");
                Assert.Equal(temps.Count, temps.Distinct().Count());
                var queue = restarted.Services.GetRequiredService<FrameQueue>();
                watch.Restart();
                while (queue.Count > 3 && watch.Elapsed < Wait) await Task.Delay(100);
                Assert.True(queue.Count <= 3, $"{queue.Count} acknowledged frames were not released");
            }
            finally
            {
                await restarted.StopAsync();
            }
        }
        finally
        {
            java.Kill(entireProcessTree: true);
            java.Dispose();
        }
    }

    [Fact]
    public async Task A_backlog_longer_than_the_cloud_window_arrives_in_order_after_an_outage()
    {
        // Frames sealed after 5 ms rather than full: many small frames, so the backlog outgrows the window quickly.
        await using var rig = await StartAgentWithCardAsync(port => BuildAgent(port, mpuHz: 100, bmeHz: 20, frameDeadline: "00:00:00.005"));
        await _cloud.WaitForAsync(r => r.DeviceId == DeviceCatalog.Temperature, Wait);
        _cloud.Down = true;
        var queue = rig.Agent.Services.GetRequiredService<FrameQueue>();
        var watch = Stopwatch.StartNew();
        while (queue.Count < 3 * ReplayWindow.Size && watch.Elapsed < 3 * Wait) await Task.Delay(100);
        Assert.True(queue.Count >= 3 * ReplayWindow.Size, $"only {queue.Count} frames piled up during the outage");
        _cloud.Down = false;

        // Every temperature sampled up to now arrives once, the ones from the outage included.
        await Task.Delay(500);
        long sampled = TemperaturesSampled(rig.Agent);
        watch.Restart();
        while (_cloud.Readings.Count(r => r.DeviceId == DeviceCatalog.Temperature) < sampled && watch.Elapsed < TimeSpan.FromSeconds(40)) await Task.Delay(100);
        var stamps = _cloud.Readings.Where(r => r.DeviceId == DeviceCatalog.Temperature).Select(r => r.Timestamp).ToList();
        Assert.True(stamps.Count >= sampled, $"{stamps.Count} of {sampled} temperatures arrived");
        Assert.Equal(stamps.Count, stamps.Distinct().Count());
    }

    [Fact]
    public async Task Readings_from_a_satellite_node_over_mqtt_reach_the_cloud_through_the_card()
    {
        await using var rig = await StartAgentWithCardAsync(BuildMqttAgent);
        var broker = rig.Agent.Services.GetRequiredService<MqttBrokerService>().Broker!;
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("esp32-greenhouse").Build());
        var sampledAt = new DateTime(2026, 11, 24, 9, 30, 0, DateTimeKind.Utc);
        await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic("simiot/esp32-greenhouse/temp")
            .WithPayload(SimIoT.Edge.Mqtt.MqttReadingPayload.EncodeBinary(sampledAt, 1875))
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var reading = await _cloud.WaitForAsync(r => r.Timestamp == sampledAt, Wait);
        Assert.Equal(DeviceCatalog.Temperature, reading.DeviceId);
        Assert.Equal(TelemetryValues.Encode(1875), reading.Data.ToArray());
    }

    /// <summary>A started agent and the card host (the JVM) serving its vpcd port; disposing removes the card, then stops the agent.</summary>
    private sealed class AgentWithCard : IAsyncDisposable
    {
        private readonly string _cardState;
        private readonly int _vpcdPort;
        private Process? _java;

        public AgentWithCard(IHost agent, string cardState, int vpcdPort)
        {
            Agent = agent;
            _cardState = cardState;
            _vpcdPort = vpcdPort;
            InsertCard();
        }

        public IHost Agent { get; }

        public void InsertCard() => _java = AppletCardHost.StartJava(_cardState, _vpcdPort);

        /// <summary>Kills the card host and waits until it has gone, as a card pulled from its reader.</summary>
        public async Task PullCardAsync()
        {
            var java = _java ?? throw new InvalidOperationException("no card inserted");
            _java = null;
            java.Kill(entireProcessTree: true);
            await java.WaitForExitAsync();
            java.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _java?.Kill(entireProcessTree: true);
                await Agent.StopAsync();
            }
            finally
            {
                _java?.Dispose();
                Agent.Dispose();
            }
        }
    }

    private sealed class NoModem : IModemControl
    {
        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Opens frames with the modem's keys and acknowledges each with the replay window, as the gateway does.</summary>
    private sealed class StandInCloud : IDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly ModemKeys _keys = new(MasterKey, Modem);
        private readonly ReplayWindow _window = new();
        private readonly ConcurrentQueue<V1Packet> _readings = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private uint _downlinkSequence;

        public StandInCloud() => _loop = Task.Run(ReceiveAsync);

        public IPEndPoint Endpoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

        public int Frames { get; private set; }

        /// <summary>While down, datagrams are lost on the way, as with an unreachable gateway.</summary>
        public bool Down { get; set; }

        public int Rejected { get; private set; }

        /// <summary>Where the last authentic frame came from (the agent's UDP channel).</summary>
        public IPEndPoint? LastSource { get; private set; }

        /// <summary>Sends a path challenge to the agent, as the gateway does to an address it has not bound yet.</summary>
        public Task ChallengeAsync(ModemId modem, byte[] nonce) =>
            _socket.SendAsync(PathChallenge.Write(modem, nonce), LastSource ?? throw new InvalidOperationException("no frame yet"), _stop.Token).AsTask();

        public IEnumerable<V1Packet> Readings => _readings;

        public async Task<V1Packet> WaitForAsync(Func<V1Packet, bool> match, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < timeout)
            {
                foreach (var r in _readings) if (match(r)) return r;
                await Task.Delay(50);
            }
            throw new TimeoutException("no matching reading reached the cloud");
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            try { _loop.Wait(5000); } catch (AggregateException) { }
            _keys.Dispose();
        }

        private async Task ReceiveAsync()
        {
            var payload = new byte[SecureFrame.MaxFrameLength];
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult datagram;
                try { datagram = await _socket.ReceiveAsync(_stop.Token); }
                catch (Exception) { return; }
                if (Down) continue;
                var error = SecureFrame.Open(_keys, datagram.Buffer, payload, out var header, _window);
                if (error == FrameError.Replayed) { await AckAsync(datagram.RemoteEndPoint); continue; }
                if (error != FrameError.None) { Rejected++; continue; }
                Frames++;
                LastSource = datagram.RemoteEndPoint;
                if (header.Kind == FrameKind.UplinkData)
                {
                    var reader = new UplinkBatchReader(payload.AsSpan(0, header.PayloadLength).ToArray(), header.Version);
                    while (reader.TryRead(out var p, out _)) _readings.Enqueue(p);
                }
                await AckAsync(datagram.RemoteEndPoint);
            }
        }

        private Task AckAsync(IPEndPoint modem) =>
            _socket.SendAsync(SecureFrame.Seal(_keys, FrameKind.UplinkAck, ++_downlinkSequence, _window.ToAck().ToArray()), modem, _stop.Token).AsTask();
    }
}
