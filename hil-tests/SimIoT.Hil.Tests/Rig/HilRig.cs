using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sampling;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Sim.Tests;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Edge.Uplink;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Hil.Tests.Rig;

public sealed record RigOptions
{
    public IReadOnlyList<Carrier> Carriers { get; init; } = [Carrier.Att, Carrier.Verizon, Carrier.Disconnect];
    public Carrier InitialCarrier { get; init; } = Carrier.Att;
    public ushort? FallbackSeconds { get; init; }
    public bool LegacyV1 { get; init; }
    /// <summary>Run the cloud on Kafka: the real Confluent.Kafka client against librdkafka's mock cluster, or KAFKA_BOOTSTRAP_SERVERS.</summary>
    public bool Kafka { get; init; }
    public Dictionary<string, string?> CloudSettings { get; init; } = [];
    public bool Mqtt { get; init; }
    public double ImuHz { get; init; } = 10;
    public double EnvironmentHz { get; init; } = 2;
    /// <summary>Put a <see cref="CarrierNat"/> between the card and the cloud (the card is personalised with its address).</summary>
    public bool Nat { get; init; }
    /// <summary>Start the edge (agent and card) at all; the legacy scenario needs only the cloud.</summary>
    public bool Edge { get; init; } = true;
    /// <summary>Card host options for the virtual card the agent uses: <c>--protocol t0</c>, <c>--apdu-delay-ms 20</c> (a slow card).</summary>
    public IReadOnlyList<string> CardHostOptions { get; init; } = [];
    /// <summary>
    /// No cloud in the rig: this starts one (processes, a cluster) whose gateways listen on the UDP
    /// port it is given (the card is personalised with it) and gives back an admin's API client.
    /// </summary>
    public Func<int, Task<HttpClient>>? ExternalCloud { get; init; }
    /// <summary>
    /// <c>arm64</c>: run the published linux-arm64 agent (<see cref="RigMode.Arm64Agent"/>) as its own process under
    /// qemu-aarch64-static, reaching the card through a real pcscd and its vpcd driver (<see cref="EdgeProcess"/>);
    /// null: the agent is hosted in the test process.
    /// </summary>
    public string? EdgeArch { get; init; }
}

/// <summary>
/// One scenario's rig: the real cloud (embedded profile, in-process Kestrel and UDP gateway, SQLite in
/// a temp folder), a card freshly personalised through <see cref="CardProvisioner"/> and run by the
/// applet's JVM card host (or a physical card in a PC/SC reader), and the real edge agent with
/// emulated (or real) sensors. Its own free ports and temp folders; disposing takes it all away.
/// Every reading the agent hands to its card is tapped, so scenarios compare what the sensors
/// produced with what the cloud stored.
/// </summary>
public sealed partial class HilRig : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly RigOptions _options;
    private Process? _card;
    private IHost? _agent;

    private HilRig(RigOptions options, string dir)
    {
        _options = options;
        Dir = dir;
    }

    public string Dir { get; }
    public CloudHarness Cloud { get; private set; } = null!;
    public int CloudUdpPort { get; private set; }
    public ModemId Modem { get; private set; }
    public byte[] MasterKey { get; private set; } = [];
    public int VpcdPort { get; private set; } = FreeTcpPort();
    public string CardState => Path.Combine(Dir, "card.bin");
    public IHost Agent => _agent ?? throw new InvalidOperationException(_edge is null ? "the agent is not running" : "the agent runs in its own process: no in-process hooks");
    public bool CardRunning => _card is { HasExited: false };
    public CarrierNat? Nat { get; private set; }

    /// <summary>Every reading the agent's pump handed to the card, in order, across agent restarts.</summary>
    public ConcurrentQueue<Reading> Sampled { get; } = new();

    public static async Task<HilRig> StartAsync(RigOptions? options = null)
    {
        options ??= new RigOptions();
        var rig = new HilRig(options, Directory.CreateTempSubdirectory("simiot-hil-").FullName);
        try
        {
            rig.CloudUdpPort = RigMode.HardwareCard ? RigMode.CardCloudPort : FreeUdpPort();
            if (options.ExternalCloud is { } external) rig._api = await external(rig.CloudUdpPort);
            else await rig.StartCloudAsync();
            if (options.Nat) rig.Nat = new CarrierNat(new IPEndPoint(IPAddress.Loopback, rig.CloudUdpPort));
            if (options.Edge)
            {
                if (options.EdgeArch is not null) await rig.StartPcscdAsync();
                await rig.RegisterModemAsync();
                if (!RigMode.HardwareCard) await rig.ProvisionAsync();
                await rig.StartAgentAsync();
                rig.StartCard();
            }
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    // ---- cloud ----

    public async Task StartCloudAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:UdpPort"] = CloudUdpPort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:UdpAddress"] = RigMode.HardwareCard ? "0.0.0.0" : "127.0.0.1",
            ["Gateway:LegacyV1"] = _options.LegacyV1 ? "true" : "false",
        };
        if (_options.Kafka)
        {
            // One cluster for the rig's lifetime, so a restarted cloud finds its topics again.
            _kafka ??= new KafkaCluster();
            settings["Bus:Kafka"] = _kafka.BootstrapServers;
            settings["Bus:Partitions"] = "3";
            settings["Bus:GroupPrefix"] = _kafkaGroups;
            settings["Bus:CreateTopics"] = _kafka.IsMock ? "false" : "true";
        }
        foreach (var (k, v) in _options.CloudSettings) settings[k] = v;
        Cloud = await CloudHarness.StartAsync(settings, dataDir: Path.Combine(Dir, "cloud"));
        if (_options.Kafka) await Cloud.App.Services.GetRequiredService<SimIoT.Cloud.Kafka.KafkaEventBus>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private KafkaCluster? _kafka;
    private readonly string _kafkaGroups = $"hil-{Guid.NewGuid():N}";

    /// <summary>Stops the cloud process part (HTTP, gateway, bus, store); its data stays for <see cref="StartCloudAsync"/>.</summary>
    public async Task StopCloudAsync()
    {
        await Cloud.DisposeAsync(); // fails on any error the cloud logged
    }

    private async Task RegisterModemAsync()
    {
        if (RigMode.HardwareCard)
        {
            Modem = ModemId.Parse(RigMode.CardModemId ?? throw new InvalidOperationException("SIMIOT_HIL_MODEM_ID is not set"));
            MasterKey = Convert.FromHexString(RigMode.CardMasterKey ?? throw new InvalidOperationException("SIMIOT_HIL_MASTER_KEY is not set"));
        }
        else
        {
            Modem = new ModemId((ulong)Random.Shared.NextInt64(0x1000, long.MaxValue));
            MasterKey = new byte[16];
            Random.Shared.NextBytes(MasterKey);
        }
        var response = await (_api ?? Cloud.Http).PostAsJsonAsync("/api/modems", new { id = Modem.ToString(), nickname = "hil-rig", masterKey = Convert.ToHexString(MasterKey) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        if (_api is not null) return; // the external gateways hear of it on modem-changes; the edge resends until they do
        var registry = Cloud.App.Services.GetRequiredService<ModemRegistry>();
        await Eventually.TrueAsync(() => registry.TryGet(Modem, out _), "the gateway knows the modem");
    }

    // ---- card ----

    private async Task ProvisionAsync()
    {
        using var host = new AppletCardHost(CardState);
        await using var terminal = new ToolkitTerminal(host.Channel, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
        await CardProvisioner.ProvisionAsync(new SimCard(terminal), CardProvisioner.TransportKey,
            new Provisioning(Modem, MasterKey, Nat?.Endpoint ?? new IPEndPoint(IPAddress.Loopback, CloudUdpPort), _options.Carriers, _options.InitialCarrier, FallbackSeconds: _options.FallbackSeconds),
            null, CancellationToken.None);
    }

    /// <summary>Inserts the card: the JVM card host connects to the agent's vpcd server.</summary>
    public void StartCard()
    {
        if (RigMode.HardwareCard) return;
        _card = AppletCardHost.StartJava(CardState, VpcdPort, Path.Combine(Dir, "card-host.log"), _options.CardHostOptions);
    }

    /// <summary>Pulls the card: the card host is killed (its state file is the card's EEPROM).</summary>
    public async Task PullCardAsync()
    {
        if (_card is null) return;
        _card.Kill(entireProcessTree: true);
        await _card.WaitForExitAsync();
        _card.Dispose();
        _card = null;
    }

    // ---- agent ----

    public async Task StartAgentAsync()
    {
        if (_options.EdgeArch is not null)
        {
            StartAgentProcess(AgentArguments());
            return;
        }
        var args = AgentArguments();
        if (RigMode.HardwareCard) args.AddRange(["--Edge:Card:Transport=pcsc", $"--Edge:Card:Reader={RigMode.Reader}"]);
        else args.AddRange(["--Edge:Card:Transport=vpcd", $"--Edge:Card:VpcdPort={VpcdPort}"]);

        var builder = EdgeHost.CreateBuilder([.. args], emulate: !RigMode.HardwareSensors);
        builder.Services.AddEdgeAgent(builder.Configuration);
        // The pump's sink is the card uplink; put a tap in front of it that remembers each reading.
        builder.Services.Replace(ServiceDescriptor.Singleton<IReadingSink>(sp => new TapSink(sp.GetRequiredService<CardUplink>(), Sampled)));
        var agent = builder.Build();
        // The agent must only stop when the rig stops it: a background service that fails stops the host.
        agent.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            if (!ReferenceEquals(_stoppingAgent, agent)) AgentStoppedItself = true;
        });
        await agent.StartAsync();
        _agent = agent;
    }

    private List<string> AgentArguments()
    {
        int? bus = RigMode.I2cBus;
        var args = new List<string>
        {
            $"--Edge:QueueDirectory={Path.Combine(Dir, "queue")}",
            $"--Edge:Mqtt:Enabled={(_options.Mqtt ? "true" : "false")}", "--Edge:Mqtt:Port=0", "--Edge:Mqtt:BindAddress=127.0.0.1",
            "--Edge:Sensors:0:Name=mpu6050", "--Edge:Sensors:0:Chip=mpu6050", "--Edge:Sensors:0:Address=104",
            $"--Edge:Sensors:0:Bus={bus ?? 1}", $"--Edge:Sensors:0:RateHz={_options.ImuHz.ToString(CultureInfo.InvariantCulture)}",
            "--Edge:Sensors:1:Name=bme280", "--Edge:Sensors:1:Chip=bme280", "--Edge:Sensors:1:Address=118",
            $"--Edge:Sensors:1:Bus={bus ?? 1}", $"--Edge:Sensors:1:RateHz={_options.EnvironmentHz.ToString(CultureInfo.InvariantCulture)}",
            "--Edge:Uplink:RecoveryMax=00:00:01", "--Edge:Uplink:ReplayAfter=00:00:02",
            "--Logging:LogLevel:Default=Warning",
        };
        return args;
    }

    /// <summary>Samples taken so far by one sensor (mpu6050, bme280), whether or not they reached the card yet.</summary>
    public long SamplesTaken(string sensor) => _edge is not null ? SamplesLogged(sensor) :
        Agent.Services.GetRequiredService<SamplingService>().Scheduler?.Health.Single(h => h.Name == sensor).Samples ?? 0; // null until sampling started

    /// <summary>Waits until the sensor took <paramref name="more"/> samples beyond now (a signal, not a fixed sleep).</summary>
    public async Task WaitForSamplesAsync(string sensor, int more)
    {
        await Eventually.TrueAsync(() => SamplesTaken(sensor) > 0, $"{sensor} is sampling", Wait);
        long target = SamplesTaken(sensor) + more;
        await Eventually.TrueAsync(() => SamplesTaken(sensor) >= target, $"{sensor} took {more} more samples", Wait);
    }

    /// <summary>
    /// Stops sampling (the agent keeps running and delivers what it has), so the sampled set is closed.
    /// Returns once every reading sampled has left the agent's reading buffer and was taken by the card
    /// (after a card outage the buffer can still hold many: the tap only sees what leaves it).
    /// </summary>
    public async Task StopSensorsAsync()
    {
        if (_edge is not null)
        {
            CloseSampledSet();
            return;
        }
        await Agent.Services.GetRequiredService<SamplingService>().StopAsync(CancellationToken.None);
        var buffer = Agent.Services.GetRequiredService<ReadingChannel>();
        var uplink = Agent.Services.GetRequiredService<CardUplink>();
        await Eventually.TrueAsync(() => buffer.Reader.Count == 0 && uplink.ReadingsSubmitted >= Sampled.Count,
            "every sampled reading was handed to the card", Wait);
    }

    /// <summary>True when an agent stopped without the rig asking (a failed background service); scenarios fail on it.</summary>
    public bool AgentStoppedItself { get => _agentStoppedItself || AgentProcessFailed; private set => _agentStoppedItself = value; }

    private bool _agentStoppedItself;

    private IHost? _stoppingAgent;

    public async Task StopAgentAsync()
    {
        await StopAgentProcessAsync();
        if (_agent is null) return;
        var agent = _agent;
        _agent = null;
        _stoppingAgent = agent;
        await agent.StopAsync();
        agent.Dispose();
    }

    // ---- the cloud's view ----

    /// <summary>Everything the cloud store holds for one sensor (imu, gyro, temp), undownsampled.</summary>
    public async Task<List<(string Timestamp, int[] Values)>> StoredAsync(string sensor)
    {
        var points = await GetJsonAsync($"/api/modems/{Modem}/telemetry/{sensor}?maxPoints=100000");
        return points.EnumerateArray().Select(p => (
            p.GetProperty("timestamp").GetString()!,
            p.TryGetProperty("values", out var v) ? v.EnumerateArray().Select(x => x.GetInt32()).ToArray() : [p.GetProperty("data").GetInt32()])).ToList();
    }

    /// <summary>Command results the card sent, read off the wire at the carrier NAT with the modem's keys.</summary>
    public List<(DateTime At, CommandMessage Result, bool Dropped)> CommandResultsOnWire()
    {
        var list = new List<(DateTime, CommandMessage, bool)>();
        if (Nat is null) return list;
        using var keys = new ModemKeys(MasterKey, Modem);
        var payload = new byte[SecureFrame.MaxFrameLength];
        foreach (var (at, _, datagram, dropped) in Nat.Uplink)
        {
            if (SecureFrame.Open(keys, datagram, payload, out var header) != FrameError.None || header.Kind != FrameKind.CommandResult) continue;
            if (CommandMessage.TryRead(payload.AsMemory(0, header.PayloadLength).ToArray(), out var message)) list.Add((at, message, dropped));
        }
        return list;
    }

    public Task<JsonElement> ModemAsync() => GetJsonAsync($"/api/modems/{Modem}");

    private HttpClient? _api;

    private Task<JsonElement> GetJsonAsync(string path) => _api is null ? Cloud.GetJsonAsync(path) : _api.GetFromJsonAsync<JsonElement>(path);

    /// <summary>The tapped readings of one device, keyed by the timestamp text the cloud uses.</summary>
    public List<(string Timestamp, int[] Values)> SampledOf(uint deviceId) =>
        (_closedSet ?? (IEnumerable<Reading>)Sampled).Where(r => r.DeviceId == deviceId).Select(r => (IsoTimestamp.ToText(r.ToPacket().Timestamp), r.Values)).ToList();

    /// <summary>Waits until every tapped reading of the device is in the store; returns the store's view.</summary>
    public async Task<List<(string Timestamp, int[] Values)>> AllStoredAsync(uint deviceId, string sensor, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var sampled = SampledOf(deviceId).Select(s => s.Timestamp).ToHashSet();
            var stored = await StoredAsync(sensor);
            var have = stored.Select(s => s.Timestamp).ToHashSet();
            if (sampled.Count > 0 && sampled.IsSubsetOf(have)) return stored;
            if (deadline.Elapsed > (timeout ?? Wait))
                throw new TimeoutException($"{sampled.Count - sampled.Count(have.Contains)} of {sampled.Count} sampled {sensor} readings never reached the store: "
                    + string.Join(", ", sampled.Where(t => !have.Contains(t)).Order().Take(10)) + $" (stored {stored.Count}, from {stored.Select(x => x.Timestamp).Min()} to {stored.Select(x => x.Timestamp).Max()})");
            await Task.Delay(200);
        }
    }

    /// <summary>Asserts the store holds exactly the sampled readings of a device: each once, with its values, nothing else.</summary>
    public async Task<int> AssertStoredExactlyOnceAsync(uint deviceId, string sensor)
    {
        Assert.False(AgentStoppedItself, "the edge agent stopped by itself (a background service failed; see the test output)" + AgentProcessReport());
        var stored = ClosedPart(deviceId, await AllStoredAsync(deviceId, sensor));
        var sampled = SampledOf(deviceId);
        Assert.True(stored.Count == stored.Select(s => s.Timestamp).Distinct().Count(), $"{sensor}: the store holds a reading twice");
        var byTime = stored.ToDictionary(s => s.Timestamp, s => s.Values);
        foreach (var s in sampled) Assert.Equal(s.Values, byTime[s.Timestamp]);
        var tapped = sampled.Select(s => s.Timestamp).ToHashSet();
        var extra = stored.Where(s => !tapped.Contains(s.Timestamp)).Select(s => s.Timestamp).ToList();
        Assert.True(extra.Count == 0 && sampled.Count == stored.Count,
            $"{sensor}: {sampled.Count} sampled (tapped; {tapped.Count} distinct), {stored.Count} stored; {extra.Count} stored readings were never handed to the card: "
            + string.Join(", ", extra.Take(5)) + (extra.Count > 0 ? $" .. {extra[^1]}" : "") + $"; sampled from {sampled.Select(s => s.Timestamp).Min()} to {sampled.Select(s => s.Timestamp).Max()}");
        return stored.Count;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PullCardAsync();
            bool stoppedItself = AgentStoppedItself;
            await StopAgentAsync();
            if (Cloud is not null) await Cloud.DisposeAsync();
            Assert.False(stoppedItself, "the edge agent stopped by itself (a background service failed; see the test output)" + AgentProcessReport());
        }
        finally
        {
            _kafka?.Dispose();
            Nat?.Dispose();
            _pcscd?.Dispose();
            try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private sealed class NoModem : IModemControl
    {
        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class TapSink(IReadingSink inner, ConcurrentQueue<Reading> tap) : IReadingSink
    {
        public ValueTask SubmitAsync(IReadOnlyList<Reading> batch, CancellationToken cancellationToken)
        {
            foreach (var r in batch) tap.Enqueue(r);
            return inner.SubmitAsync(batch, cancellationToken);
        }
    }
}
