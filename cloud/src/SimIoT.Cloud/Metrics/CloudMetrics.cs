using System.Globalization;
using System.Text;
using SimIoT.Cloud.Commands;

namespace SimIoT.Cloud.Metrics;

/// <summary>
/// Counters for /metrics, written by hot paths with Interlocked only and rendered in the
/// Prometheus text format by hand (no client library needed for a handful of series).
/// </summary>
public sealed class CloudMetrics
{
    private static readonly double[] LatencyBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
    private readonly long[] _datagrams = new long[Enum.GetValues<DatagramOutcome>().Length];
    private readonly long[] _commandTransitions = new long[Enum.GetValues<CommandState>().Length];
    private readonly long[] _latencyBuckets = new long[LatencyBuckets.Length + 1];
    private long _latencyCount;
    private long _latencySumMicros;
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

    public void Datagram(DatagramOutcome outcome) => Interlocked.Increment(ref _datagrams[(int)outcome]);
    public long DatagramCount(DatagramOutcome outcome) => Interlocked.Read(ref _datagrams[(int)outcome]);
    public long DroppedCount => _datagrams.Select((_, i) => i == 0 ? 0 : Interlocked.Read(ref _datagrams[i])).Sum();
    public void Reading() => Interlocked.Increment(ref _readings);
    public long Readings => Interlocked.Read(ref _readings);
    public void BadReading() => Interlocked.Increment(ref _badReadings);
    public void BusPublished() => Interlocked.Increment(ref _published);
    public void AckSent() => Interlocked.Increment(ref _acksSent);
    public long AcksSent => Interlocked.Read(ref _acksSent);
    public void CommandSent() => Interlocked.Increment(ref _commandsSent);
    public void DuplicateResult() => Interlocked.Increment(ref _duplicateResults);
    public long DuplicateResults => Interlocked.Read(ref _duplicateResults);
    public void CommandTransition(CommandState state) => Interlocked.Increment(ref _commandTransitions[(int)state]);
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

    public void ObserveBusLatency(TimeSpan elapsed)
    {
        double seconds = elapsed.TotalSeconds;
        int i = 0;
        while (i < LatencyBuckets.Length && seconds > LatencyBuckets[i]) i++;
        Interlocked.Increment(ref _latencyBuckets[i]);
        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencySumMicros, (long)(seconds * 1_000_000));
    }

    public string Render()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# HELP simiot_gateway_datagrams_total Datagrams received by the gateway, by outcome (accepted or the reason of a drop).");
        text.AppendLine("# TYPE simiot_gateway_datagrams_total counter");
        foreach (var outcome in Enum.GetValues<DatagramOutcome>())
            text.Append(inv, $"simiot_gateway_datagrams_total{{outcome=\"{Label(outcome.ToString())}\"}} {DatagramCount(outcome)}\n");
        Counter(text, "simiot_gateway_readings_total", "Readings published to the bus.", Readings);
        Counter(text, "simiot_gateway_bad_readings_total", "IoT Data packets in authentic frames whose data is not whole 32-bit values.", Interlocked.Read(ref _badReadings));
        Counter(text, "simiot_gateway_uplink_acks_sent_total", "Uplink-ack frames sent.", AcksSent);
        Counter(text, "simiot_gateway_commands_sent_total", "Downlink command transmissions, retransmissions included.", Interlocked.Read(ref _commandsSent));
        Counter(text, "simiot_gateway_duplicate_results_total", "Command results ignored because the command already had one.", DuplicateResults);
        text.AppendLine("# HELP simiot_gateway_shed_total Frames not taken or not acknowledged because the path to durability was overloaded or down, by reason (the edge resends them).");
        text.AppendLine("# TYPE simiot_gateway_shed_total counter");
        foreach (var reason in Enum.GetValues<ShedReason>())
            text.Append(inv, $"simiot_gateway_shed_total{{reason=\"{Label(reason.ToString())}\"}} {ShedCount(reason)}\n");
        Gauge(text, "simiot_gateway_acks_withheld", "Frames taken whose readings are not durable yet: their ack waits.", AcksWithheldCount);
        Counter(text, "simiot_bus_published_total", "Records published to the bus.", Interlocked.Read(ref _published));
        text.AppendLine("# HELP simiot_bus_publish_latency_seconds Time from publish to delivery (in-process: to the handler; Kafka: to the broker's ack).");
        text.AppendLine("# TYPE simiot_bus_publish_latency_seconds histogram");
        long cumulative = 0;
        for (int i = 0; i < LatencyBuckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _latencyBuckets[i]);
            text.Append(inv, $"simiot_bus_publish_latency_seconds_bucket{{le=\"{LatencyBuckets[i]}\"}} {cumulative}\n");
        }
        long count = Interlocked.Read(ref _latencyCount);
        text.Append(inv, $"simiot_bus_publish_latency_seconds_bucket{{le=\"+Inf\"}} {count}\n");
        text.Append(inv, $"simiot_bus_publish_latency_seconds_sum {Interlocked.Read(ref _latencySumMicros) / 1e6}\n");
        text.Append(inv, $"simiot_bus_publish_latency_seconds_count {count}\n");
        text.AppendLine("# HELP simiot_commands_total Carrier switch command state transitions, by state entered.");
        text.AppendLine("# TYPE simiot_commands_total counter");
        foreach (var state in Enum.GetValues<CommandState>())
            text.Append(inv, $"simiot_commands_total{{state=\"{CommandStates.ToText(state)}\"}} {Interlocked.Read(ref _commandTransitions[(int)state])}\n");
        long enqueued = Interlocked.Read(ref _storeEnqueued), written = StoreWrittenCount;
        Counter(text, "simiot_store_written_total", "Telemetry points written to the store.", written);
        Gauge(text, "simiot_store_lag_points", "Telemetry points received by the sink and not yet written.", enqueued - written);
        long oldest = Interlocked.Read(ref _storeOldestPendingTicks);
        Gauge(text, "simiot_store_lag_seconds", "Age of the oldest telemetry point waiting for the store.", oldest == 0 ? 0 : Math.Max(0, (DateTime.UtcNow.Ticks - oldest) / (double)TimeSpan.TicksPerSecond));
        if (KernelDrops?.Invoke() is { } kernelDrops)
            Counter(text, "simiot_gateway_kernel_drops_total", "Datagrams the kernel dropped for the gateway's UDP port (receive buffer full), from /proc/net/udp.", kernelDrops);
        Gauge(text, "simiot_ready", "1 while every readiness check passes (as /readyz), 0 otherwise; checked every few seconds.", Interlocked.Read(ref _ready));
        Gauge(text, "simiot_sse_clients", "Connected /api/events clients.", Interlocked.Read(ref _sseClients));
        Counter(text, "simiot_auth_login_failures_total", "Web UI logins refused (unknown user or wrong password).", Interlocked.Read(ref _loginFailures));
        return text.ToString();
    }

    private static string Label(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");

    private static void Gauge(StringBuilder text, string name, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
}
