using System.Diagnostics.Metrics;
using SimIoT.Cloud.Commands;

namespace SimIoT.Cloud.Metrics;

/// <summary>
/// The cloud's metrics as System.Diagnostics.Metrics instruments on one <see cref="Meter"/>,
/// exported on /metrics by OpenTelemetry's Prometheus exporter (<see cref="MetricsExport"/>).
/// Hot paths only add to fields with Interlocked; observable instruments read them at scrape
/// time, and the same fields answer the tests' and the load generator's direct reads.
/// </summary>
public sealed class CloudMetrics : IDisposable
{
    /// <summary>Bucket bounds of <see cref="BusLatency"/>, in seconds.</summary>
    public static readonly double[] LatencyBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    public const string BusLatency = "simiot_bus_publish_latency_seconds";
    private static int s_instances;
    private readonly Histogram<double> _busLatency;
    private readonly long[] _datagrams = new long[Enum.GetValues<DatagramOutcome>().Length];
    private readonly long[] _commandTransitions = new long[Enum.GetValues<CommandState>().Length];
    private long _readings;
    private long _badReadings;
    private long _published;
    private long _acksSent;
    private long _commandsSent;
    private long _duplicateResults;
    private long _storeEnqueued;
    private long _storeWritten;
    private long _storeOldestPendingTicks;
    private long _sseClients;
    private long _loginFailures;
    private readonly long[] _shed = new long[Enum.GetValues<ShedReason>().Length];
    private long _acksWithheld;
    private readonly long[] _paths = new long[Enum.GetValues<Gateway.PathCheck>().Length];
    private long _unprovenAcks;
    public void Path(Gateway.PathCheck check) => Interlocked.Increment(ref _paths[(int)check]);
    public long PathCount(Gateway.PathCheck check) => Interlocked.Read(ref _paths[(int)check]);
    public void UnprovenAck() => Interlocked.Increment(ref _unprovenAcks);
    public long UnprovenAcks => Interlocked.Read(ref _unprovenAcks);

    public void Datagram(DatagramOutcome outcome) => Interlocked.Increment(ref _datagrams[(int)outcome]);
    public long DatagramCount(DatagramOutcome outcome) => Interlocked.Read(ref _datagrams[(int)outcome]);
    public long DroppedCount => _datagrams.Select((_, i) => i == 0 ? 0 : Interlocked.Read(ref _datagrams[i])).Sum();
    public void Reading() => Interlocked.Increment(ref _readings);
    public long Readings => Interlocked.Read(ref _readings);
    public void BadReading() => Interlocked.Increment(ref _badReadings);
    public void BusPublished() => Interlocked.Increment(ref _published);
    public long BusPublishedCount => Interlocked.Read(ref _published);
    public void AckSent() => Interlocked.Increment(ref _acksSent);
    public long AcksSent => Interlocked.Read(ref _acksSent);
    public void CommandSent() => Interlocked.Increment(ref _commandsSent);
    public void DuplicateResult() => Interlocked.Increment(ref _duplicateResults);
    public long DuplicateResults => Interlocked.Read(ref _duplicateResults);
    public void CommandTransition(CommandState state) => Interlocked.Increment(ref _commandTransitions[(int)state]);
    public long CommandTransitions(CommandState state) => Interlocked.Read(ref _commandTransitions[(int)state]);
    public void StoreEnqueued(int count) => Interlocked.Add(ref _storeEnqueued, count);
    public void StoreWritten(int count) => Interlocked.Add(ref _storeWritten, count);
    public long StoreWrittenCount => Interlocked.Read(ref _storeWritten);
    public void StoreOldestPending(DateTime? utc) => Interlocked.Exchange(ref _storeOldestPendingTicks, utc?.Ticks ?? 0);
    public void SseClient(int delta) => Interlocked.Add(ref _sseClients, delta);
    public void LoginFailed() => Interlocked.Increment(ref _loginFailures);
    public void Shed(ShedReason reason) => Interlocked.Increment(ref _shed[(int)reason]);
    public long ShedCount(ShedReason reason) => Interlocked.Read(ref _shed[(int)reason]);
    /// <summary>Reads the kernel's drops for the gateway's socket; set by the gateway once bound.</summary>
    public Func<long?>? KernelDrops { get; set; }

    private long _ready;
    public void Ready(bool ready) => Interlocked.Exchange(ref _ready, ready ? 1 : 0);
    public bool IsReady => Interlocked.Read(ref _ready) == 1;
    public void AcksWithheld(int delta) => Interlocked.Add(ref _acksWithheld, delta);
    public long AcksWithheldCount => Interlocked.Read(ref _acksWithheld);

    public void ObserveBusLatency(TimeSpan elapsed) => _busLatency.Record(elapsed.TotalSeconds);

    /// <summary>
    /// The meter's name: one per instance, so each host exports its own (the tests run several
    /// clouds in one process, and a meter is found by name).
    /// </summary>
    public string MeterName { get; }

    public Meter Meter { get; }

    public CloudMetrics()
    {
        MeterName = $"SimIoT.Cloud.{Interlocked.Increment(ref s_instances)}";
        Meter = new Meter(MeterName);
        var m = Meter;
        m.CreateObservableCounter("simiot_gateway_datagrams_total", () => ByLabel<DatagramOutcome>("outcome", o => DatagramCount(o), o => Label(o.ToString())),
            description: "Datagrams received by the gateway, by outcome (accepted or the reason of a drop).");
        m.CreateObservableCounter("simiot_gateway_readings_total", () => Readings, description: "Readings published to the bus.");
        m.CreateObservableCounter("simiot_gateway_bad_readings_total", () => Interlocked.Read(ref _badReadings), description: "IoT Data packets in authentic frames whose data is not whole 32-bit values.");
        m.CreateObservableCounter("simiot_gateway_uplink_acks_sent_total", () => AcksSent, description: "Uplink-ack frames sent.");
        m.CreateObservableCounter("simiot_gateway_commands_sent_total", () => Interlocked.Read(ref _commandsSent), description: "Downlink command transmissions, retransmissions included.");
        m.CreateObservableCounter("simiot_gateway_duplicate_results_total", () => DuplicateResults, description: "Command results ignored because the command already had one.");
        m.CreateObservableCounter("simiot_gateway_shed_total", () => ByLabel<ShedReason>("reason", ShedCount, r => Label(r.ToString())),
            description: "Frames not taken or not acknowledged because the path to durability was overloaded or down, by reason (the edge resends them).");
        m.CreateObservableCounter("simiot_gateway_path_checks_total", () => ByLabel<Gateway.PathCheck>("result", PathCount, c => Label(c.ToString())),
            description: "Fresh v2 frames by what they did to the binding: bound, moved (answered a path challenge), challenge (one sent), unproven (no challenge: one went out within Gateway:PathChallengeInterval).");
        m.CreateObservableCounter("simiot_gateway_unproven_acks_total", () => UnprovenAcks, description: "Uplink-ack copies sent to an address that is not the modem's binding (a replay's or candidate's source).");
        m.CreateObservableGauge("simiot_gateway_acks_withheld", () => AcksWithheldCount, description: "Frames taken whose readings are not durable yet: their ack waits.");
        m.CreateObservableCounter("simiot_bus_published_total", () => Interlocked.Read(ref _published), description: "Records published to the bus.");
        _busLatency = m.CreateHistogram<double>(BusLatency, unit: "s", description: "Time from publish to delivery (in-process: to the handler; Kafka: to the broker's ack).");
        m.CreateObservableCounter("simiot_commands_total", () => ByLabel<CommandState>("state", s => Interlocked.Read(ref _commandTransitions[(int)s]), CommandStates.ToText),
            description: "Carrier switch command state transitions, by state entered.");
        m.CreateObservableCounter("simiot_store_written_total", () => StoreWrittenCount, description: "Telemetry points written to the store.");
        m.CreateObservableGauge("simiot_store_lag_points", () => Interlocked.Read(ref _storeEnqueued) - StoreWrittenCount, description: "Telemetry points received by the sink and not yet written.");
        m.CreateObservableGauge("simiot_store_lag_seconds", StoreLagSeconds, unit: "s", description: "Age of the oldest telemetry point waiting for the store.");
        m.CreateObservableCounter("simiot_gateway_kernel_drops_total", () => KernelDrops?.Invoke() is { } drops ? [new Measurement<long>(drops)] : Array.Empty<Measurement<long>>(),
            description: "Datagrams the kernel dropped for the gateway's UDP port (receive buffer full), from /proc/net/udp.");
        m.CreateObservableGauge("simiot_ready", () => Interlocked.Read(ref _ready), description: "1 while every readiness check passes (as /readyz), 0 otherwise; checked every few seconds.");
        m.CreateObservableGauge("simiot_sse_clients", () => Interlocked.Read(ref _sseClients), description: "Connected /api/events clients.");
        m.CreateObservableCounter("simiot_auth_login_failures_total", () => Interlocked.Read(ref _loginFailures), description: "Web UI logins refused (unknown user or wrong password).");
    }

    private double StoreLagSeconds()
    {
        long oldest = Interlocked.Read(ref _storeOldestPendingTicks);
        return oldest == 0 ? 0 : Math.Max(0, (DateTime.UtcNow.Ticks - oldest) / (double)TimeSpan.TicksPerSecond);
    }

    private static IEnumerable<Measurement<long>> ByLabel<T>(string label, Func<T, long> value, Func<T, string> text) where T : struct, Enum =>
        Enum.GetValues<T>().Select(v => new Measurement<long>(value(v), new KeyValuePair<string, object?>(label, text(v))));

    private static string Label(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public void Dispose() => Meter.Dispose();
}
