using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.LoadGen;

/// <summary>
/// Drives a simulated fleet: registers the modems (v2) through the API, paces readings from
/// one sender thread, answers carrier switches, and at the end prints what was sent, what the
/// gateway acknowledged, and datagram-to-SSE latency percentiles.
/// </summary>
public sealed class LoadRun(LoadOptions options, TextWriter output)
{
    /// <summary>Modems per shared socket: few descriptors for a large fleet, yet no single socket's queue for all.</summary>
    public const int ModemsPerSocket = 2500;

    private readonly LatencyRecorder _latency = new();
    private readonly TaskCompletionSource _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sseEvents;

    /// <summary>Completes when registration is over and the paced sending begins (the bench measures from there).</summary>
    public Task Sending => _sending.Task;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var gateway = await ResolveAsync(options.Gateway).ConfigureAwait(false);
        bool v2 = options.Protocol == "v2";
        using var http = options.Api is null ? null : new HttpClient { BaseAddress = options.Api, Timeout = TimeSpan.FromSeconds(10) };
        if (http is not null && options.Token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", options.Token);
        var modems = new List<SimulatedModem>();
        var sockets = new List<ModemSocket>();
        var legacy = new List<Socket>();
        var acked = new Dictionary<SimulatedModem, AckedFrames>();
        try
        {
            for (int i = 0; i < options.Modems; i++)
            {
                if (v2)
                {
                    if (i % ModemsPerSocket == 0) sockets.Add(new ModemSocket(gateway, options.Mirror));
                    var modem = new SimulatedModem(new ModemId(options.FirstId + (ulong)i), options.MasterKey, sockets[^1]) { LastSequence = FirstSequence() };
                    foreach (var c in options.Refused) modem.Refused.Add(c);
                    var frames = new AckedFrames(modem);
                    acked[modem] = frames;
                    modem.Acked += (_, ack) => frames.Mark(ack);
                    modem.CommandReceived += (m, c) => output.WriteLine($"modem {m.Id}: command {c.CommandId} {c.Packet} -> {(m.Refused.Contains(c.Packet.Carrier) ? "NACK" : "ACK")}");
                    modems.Add(modem);
                }
                else
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    socket.Connect(gateway);
                    legacy.Add(socket);
                }
            }
            if (v2 && http is not null) await RegisterAsync(http, modems, cancellationToken).ConfigureAwait(false);
            if (v2) await ReportCarriersAsync(modems, cancellationToken).ConfigureAwait(false);
            foreach (var (modem, frames) in acked) frames.Start(modem.LastSequence);
            long resultsBefore = modems.Sum(m => m.ResultsSent);
            var accepted = new CounterTally();
            if (http is not null && await GatewayMetrics.TryAcceptedAsync(http).ConfigureAwait(false) is { } baseline) accepted.Observe(baseline);
            using var sseStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Polled through the run, so a cloud restart (its counter starts again) is tallied right.
            var polling = http is null ? Task.CompletedTask : Task.Run(() => PollAcceptedAsync(http, accepted, sseStop.Token));
            var sse = options.Latency && http is not null ? Task.Run(() => ReadSseAsync(http, sseStop.Token)) : Task.CompletedTask;
            if (options.Latency && http is not null) await Task.Delay(300, cancellationToken).ConfigureAwait(false);
            _sending.TrySetResult();

            output.WriteLine($"loadgen: {options.Modems} {options.Protocol} modems x {options.Rate} readings/s for {(options.Duration == TimeSpan.Zero ? "ever (Ctrl-C stops)" : options.Duration.ToString())} -> udp {gateway}");
            var (sent, elapsed) = Send(modems, legacy, cancellationToken);
            // Let the last acks and SSE events arrive.
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            sseStop.Cancel();
            try { await sse.ConfigureAwait(false); } catch (OperationCanceledException) { }
            await polling.ConfigureAwait(false);
            // Command results and carrier reports are frames too, but not the readings counted as sent.
            long results = modems.Sum(m => m.ResultsSent) - resultsBefore;

            output.WriteLine($"sent: {sent} datagrams in {elapsed.TotalSeconds:0.00} s = {sent / elapsed.TotalSeconds:0} datagrams/s");
            if (http is not null)
            {
                if (await GatewayMetrics.TryAcceptedAsync(http).ConfigureAwait(false) is { } last) accepted.Observe(last);
                long readings = accepted.Total - results;
                output.WriteLine($"gateway accepted: {readings} (lost before or at the gateway: {sent - readings})");
            }
            if (v2)
            {
                long ackedFrames = acked.Values.Sum(a => a.Count);
                output.WriteLine($"received (acked by the gateway): {ackedFrames}, lost (never acked): {sent - ackedFrames}");
            }
            if (options.Latency && http is not null)
                output.WriteLine($"latency datagram->SSE: {_latency.Summary()} ({Interlocked.Read(ref _sseEvents)} events)");
            return 0;
        }
        finally
        {
            foreach (var m in modems) m.Dispose();
            foreach (var s in sockets) s.Dispose();
            foreach (var s in legacy) s.Dispose();
        }
    }

    // A SIM's uplink counter survives restarts; the simulated one starts from the clock instead
    // (16 per second since 2026), so a rerun with the same modem ids is not taken for a replay as
    // long as its modems averaged at most 16 frames per second. Faster runs: use new --first-id.
    private static uint FirstSequence() => (uint)((DateTime.UtcNow - new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds * 16);

    private (long Sent, TimeSpan Elapsed) Send(List<SimulatedModem> modems, List<Socket> legacy, CancellationToken cancellationToken)
    {
        int count = Math.Max(modems.Count, legacy.Count);
        double total = options.Rate * count;
        var stopwatch = Stopwatch.StartNew();
        long sent = 0;
        long nextReport = Stopwatch.Frequency * 5;
        var lastSent = new long[count];
        var keepalive = (long)(options.Keepalive.TotalSeconds * Stopwatch.Frequency);
        var buffer = new byte[64];
        while (!cancellationToken.IsCancellationRequested && (options.Duration == TimeSpan.Zero || stopwatch.Elapsed < options.Duration))
        {
            long due = (long)(stopwatch.Elapsed.TotalSeconds * total);
            if (sent >= due)
            {
                // Idle: keep NAT bindings alive, then sleep a little (or spin at high rates).
                if (total < 2000) Thread.Sleep(1);
                else Thread.SpinWait(50);
                if (modems.Count > 0 && options.Rate == 0)
                {
                    long now = Stopwatch.GetTimestamp();
                    for (int i = 0; i < modems.Count; i++)
                    {
                        if (now - lastSent[i] > keepalive)
                        {
                            modems[i].SendData();
                            lastSent[i] = now;
                        }
                    }
                }
                continue;
            }
            int index = (int)(sent % count);
            var reading = Reading(sent / count);
            if (modems.Count > 0) modems[index].SendData(reading);
            else
            {
                int n = reading.WriteTo(buffer);
                legacy[index].Send(buffer.AsSpan(0, n));
            }
            lastSent[index] = Stopwatch.GetTimestamp();
            sent++;
            if (options.Duration == TimeSpan.Zero && stopwatch.ElapsedTicks > nextReport)
            {
                nextReport += Stopwatch.Frequency * 5;
                output.WriteLine($"loadgen: {sent} readings sent; latency {_latency.Summary()}");
            }
        }
        return (sent, stopwatch.Elapsed);
    }

    // The reading's timestamp is the send instant, so the SSE side can measure latency.
    private static V1Packet Reading(long round)
    {
        double t = round / 10.0;
        return (round % 3) switch
        {
            0 => V1Packet.IotData(DeviceCatalog.Temperature, DateTime.UtcNow, TelemetryValues.Encode((int)(2150 + 300 * Math.Sin(t)))),
            1 => V1Packet.IotData(DeviceCatalog.Imu, DateTime.UtcNow, TelemetryValues.Encode((int)(50 * Math.Sin(t)), (int)(50 * Math.Cos(t)), 1000)),
            _ => V1Packet.IotData(DeviceCatalog.Gyro, DateTime.UtcNow, TelemetryValues.Encode((int)(900 * Math.Sin(t / 3)), 0, (int)(400 * Math.Cos(t)))),
        };
    }

    private async Task RegisterAsync(HttpClient http, List<SimulatedModem> modems, CancellationToken cancellationToken)
    {
        int created = 0;
        foreach (var modem in modems)
        {
            var response = await http.PostAsJsonAsync("/api/modems", new { id = modem.Id.ToString(), nickname = $"loadgen-{modem.Id.Value - options.FirstId + 1}", masterKey = Convert.ToHexString(modem.MasterKey) }, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Created) created++;
            else if (response.StatusCode != HttpStatusCode.Conflict)
                throw new InvalidOperationException($"registering modem {modem.Id} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}"
                    + (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? " (give an admin token: --token or SIMIOT_TOKEN)" : ""));
        }
        output.WriteLine($"loadgen: registered {created} modems ({modems.Count - created} already known)");
    }

    /// <summary>
    /// Each modem reports its carrier, as a SIM does when it starts, until the gateway acks it:
    /// gateways learn of new modems through the bus a moment after the API registered them, and
    /// the figures must count readings only, from modems the gateway knows.
    /// </summary>
    private async Task ReportCarriersAsync(List<SimulatedModem> modems, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.ReportTimeout;
        List<SimulatedModem> waiting = modems;
        while (waiting.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var modem in waiting) modem.ReportCarrier();
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            waiting = [.. waiting.Where(m => m.AcksReceived == 0)];
        }
        if (waiting.Count > 0)
            output.WriteLine($"loadgen: warning: {waiting.Count} of {modems.Count} modems got no ack from the gateway in {options.ReportTimeout.TotalSeconds:0} s (not registered? wrong key or address?); their frames will count as lost");
    }

    private static async Task PollAcceptedAsync(HttpClient http, CounterTally accepted, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (await GatewayMetrics.TryAcceptedAsync(http).ConfigureAwait(false) is { } reading) accepted.Observe(reading);
        }
    }

    private async Task ReadSseAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream);
            bool telemetry = false;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) telemetry = line == "event: telemetry";
                else if (telemetry && line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var now = DateTime.UtcNow;
                    using var doc = JsonDocument.Parse(line.AsMemory(6));
                    // Only this run's modems: others (an edge, an older run) carry their own clocks.
                    if (!IsOwnModem(doc.RootElement.GetProperty("modemId").GetString())) continue;
                    if (IsoTimestamp.TryParse(doc.RootElement.GetProperty("point").GetProperty("timestamp").GetString(), out var stamp))
                    {
                        _latency.Add(now - stamp);
                        Interlocked.Increment(ref _sseEvents);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
        {
        }
    }

    private bool IsOwnModem(string? id) =>
        ModemId.TryParse(id, out var modem) && modem.Value >= options.FirstId && modem.Value - options.FirstId < (ulong)options.Modems;

    private static async Task<IPEndPoint> ResolveAsync(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        string host = colon > 0 ? hostPort[..colon] : hostPort;
        int port = colon > 0 ? int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture) : 6001;
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        var addresses = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
        return new IPEndPoint(addresses.First(a => a.AddressFamily == AddressFamily.InterNetwork), port);
    }

    /// <summary>Which of one modem's reading frames sent in this run some ack covered.</summary>
    private sealed class AckedFrames(SimulatedModem modem)
    {
        private readonly HashSet<uint> _seen = [];
        private uint _start = uint.MaxValue;

        /// <summary>Frames after this sequence are the run's.</summary>
        public void Start(uint lastSequence)
        {
            lock (_seen) _start = lastSequence;
        }

        public long Count
        {
            get
            {
                lock (_seen) return _seen.Count(s => s > _start && !modem.IsResult(s));
            }
        }

        public void Mark(UplinkAck ack)
        {
            lock (_seen)
            {
                _seen.Add(ack.Highest);
                for (int i = 0; i < ReplayWindow.Size && i < ack.Highest - 1; i++)
                {
                    if ((ack.Bitmap & (1UL << i)) != 0) _seen.Add(ack.Highest - 1 - (uint)i);
                }
            }
        }
    }
}
