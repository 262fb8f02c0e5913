using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Card;
using SimIoT.Edge.Queue;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Uplink;

/// <summary>
/// The agent's path to the cloud through the SIM. Readings go to the card, which seals them
/// and has the terminal send the frames; every frame is kept in the on-disk queue until the
/// card hands back an uplink acknowledgement it verified. Unacknowledged frames are sent
/// again, keepalives hold the NAT binding open, and a removed or reset card is waited for
/// and its session started again without losing a reading.
/// </summary>
public sealed class CardUplink : BackgroundService, IReadingSink
{
    private readonly ICardChannel _channel;
    private readonly FrameQueue _queue;
    private readonly IModemControl _modem;
    private readonly UplinkOptions _options;
    private readonly ToolkitTerminalOptions _terminalOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _sessionGate = new(1, 1);
    private readonly ConcurrentDictionary<uint, long> _sentAt = new();
    private readonly SemaphoreSlim _acked = new(0);
    private ToolkitTerminal? _terminal;
    private SimCard? _sim;
    private long _cardSession = -1;
    private long _lastUplink;
    private TimeSpan _backoff;

    public CardUplink(ICardChannel channel, FrameQueue queue, IModemControl modem, IOptions<UplinkOptions> options, IOptions<ToolkitTerminalOptions> terminalOptions, TimeProvider time, ILoggerFactory loggers)
    {
        _channel = channel;
        _queue = queue;
        _modem = modem;
        _options = options.Value;
        _terminalOptions = terminalOptions.Value;
        _time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger<CardUplink>();
        _backoff = _options.RecoveryInitial;
        _lastUplink = time.GetTimestamp();
    }

    /// <summary>Frames sent per replay round: half the cloud's window, so a lost one can still be sent again.</summary>
    public const int ReplayRound = ReplayWindow.Size / 2;

    public long ReadingsSubmitted { get; private set; }

    public long SessionsStarted { get; private set; }

    /// <summary>
    /// Frames that fell below the cloud's replay window without an acknowledgement the agent saw.
    /// The cloud can no longer accept them, so they leave the queue. Most were delivered: the card
    /// keeps only its latest verified acknowledgement, and one the agent did not collect in time
    /// may have covered them. Readings are not lost while frames go out in order (see SendNow).
    /// </summary>
    public long FramesUnconfirmed { get; private set; }

    public long FramesResent { get; private set; }

    /// <summary>Takes the batch to the card; returns only when every reading is in a frame, waiting out card outages.</summary>
    public async ValueTask SubmitAsync(IReadOnlyList<Reading> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var packets = batch.Select(r => r.ToPacket()).ToList();
        int done = 0;
        while (done < packets.Count)
        {
            // A retry after a card removal resumes after the readings whose frame already left.
            var progress = new SubmitProgress();
            int start = done;
            await WithSessionAsync(sim => sim.SubmitAsync(packets.GetRange(start + progress.Taken, packets.Count - start - progress.Taken), progress, cancellationToken), cancellationToken).ConfigureAwait(false);
            done = start + progress.Taken;
            ReadingsSubmitted += progress.Taken;
            if (progress.Taken == 0) await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The session (terminal and card-owner thread) ends when <see cref="ExecuteAsync"/> does, awaited, not here.</summary>
    public override void Dispose()
    {
        _sessionGate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await _sessionGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await EndSessionAsync().ConfigureAwait(false);
            }
            finally
            {
                _sessionGate.Release();
            }
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        do
        {
            try
            {
                // A session is kept even without readings, so commands from the cloud get through.
                await WithSessionAsync(_ => Task.FromResult(0), stoppingToken).ConfigureAwait(false);
                if (_time.GetElapsedTime(Interlocked.Read(ref _lastUplink)) >= _options.Keepalive)
                    await WithSessionAsync(async sim => { await sim.SendKeepaliveAsync(stoppingToken).ConfigureAwait(false); return 0; }, stoppingToken).ConfigureAwait(false);
                await ReplayAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (await tick.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    // Runs work with a live session, starting one first when there is none or the card was reset,
    // and retrying with backoff while the card is away.
    private async Task<T> WithSessionAsync<T>(Func<SimCard, Task<T>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _sessionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_sim is null || _terminal?.CardSession != _cardSession) await StartSessionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(_sim!).ConfigureAwait(false);
                _backoff = _options.RecoveryInitial;
                return result;
            }
            catch (Exception e) when (e is CardRemovedException or SimCardException or IOException && !cancellationToken.IsCancellationRequested)
            {
                _log.LogWarning("Card unavailable ({Reason}); retrying in {Delay}", e.Message, _backoff);
                await EndSessionAsync().ConfigureAwait(false);
            }
            finally
            {
                _sessionGate.Release();
            }
            await Task.Delay(_backoff, _time, cancellationToken).ConfigureAwait(false);
            _backoff = TimeSpan.FromTicks(Math.Min(_options.RecoveryMax.Ticks, _backoff.Ticks * 2));
        }
    }

    private async Task StartSessionAsync(CancellationToken cancellationToken)
    {
        await EndSessionAsync().ConfigureAwait(false);
        var terminal = new ToolkitTerminal(_channel, _modem, _terminalOptions, _time, _loggers.CreateLogger<ToolkitTerminal>());
        terminal.DatagramSent += OnFrameSent;
        terminal.SendNow = SendNow;
        terminal.DownlinkDelivered += OnDownlinkDeliveredAsync;
        var sim = new SimCard(terminal);
        _terminal = terminal;
        _sim = sim;
        await sim.StartSessionAsync(cancellationToken).ConfigureAwait(false);
        _cardSession = terminal.CardSession;
        var status = await sim.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!status.IsLocked || !status.IsPersonalised)
            throw new SimCardException("the card is not personalised and locked (run simiot-edge provision)", 0x6985);
        if (!status.IsLegacy) await sim.ReportCarrierAsync(cancellationToken).ConfigureAwait(false);
        SessionsStarted++;
        _log.LogInformation("SIM session {Session} started: modem {Modem} on {Carrier}, {Queued} frames waiting for acknowledgement",
            SessionsStarted, status.ModemId, status.CarrierName, _queue.Count);
    }

    private async Task EndSessionAsync()
    {
        var terminal = _terminal;
        _terminal = null;
        _sim = null;
        _cardSession = -1;
        if (terminal is not null) await terminal.DisposeAsync().ConfigureAwait(false);
    }

    private void OnFrameSent(ReadOnlyMemory<byte> datagram)
    {
        // Written on the terminal's send path, read by the keepalive loop.
        Interlocked.Exchange(ref _lastUplink, _time.GetTimestamp());
        // Legacy (v1) cards send bare packets: no sequence, no acknowledgement, nothing to keep.
        if (SecureFrame.TryReadHeader(datagram.Span, out var header) != FrameError.None || header.Direction != FrameDirection.Uplink) return;
        if (!_queue.Enqueue(header.Sequence, datagram.Span)) _log.LogWarning("Frame {Sequence} could not be queued", header.Sequence);
    }

    // The cloud's replay window only reaches 64 frames back: if a fresh frame overtook a backlog,
    // the backlog could never be accepted. So while older frames wait for an acknowledgement, new
    // ones join the queue and go out in order behind them.
    private bool SendNow(ReadOnlyMemory<byte> datagram)
    {
        if (SecureFrame.TryReadHeader(datagram.Span, out var header) != FrameError.None || header.Direction != FrameDirection.Uplink) return true;
        if (HasBacklog(except: header.Sequence)) return false;
        _sentAt[header.Sequence] = _time.GetTimestamp();
        return true;
    }

    private bool HasBacklog(uint except)
    {
        var after = _options.ReplayAfter;
        foreach (var frame in _queue.Peek(ReplayRound + 1))
        {
            if (frame.Sequence == except) continue;
            if (!_sentAt.TryGetValue(frame.Sequence, out var sent) || _time.GetElapsedTime(sent) >= after) return true;
        }
        return false;
    }

    private async Task OnDownlinkDeliveredAsync()
    {
        if (_sim is not { } sim) return;
        if (await sim.TakeUplinkAckAsync(CancellationToken.None).ConfigureAwait(false) is not { } ack) return;
        int released = _queue.Acknowledge(ack);
        // What lies below the cloud's window and is still unacknowledged can never be accepted now.
        if (ack.Highest > ReplayWindow.Size)
        {
            foreach (var frame in _queue.Peek().Where(f => f.Sequence < ack.Highest - ReplayWindow.Size))
            {
                if (_queue.Remove(frame.Sequence)) FramesUnconfirmed++;
            }
        }
        foreach (var seq in _sentAt.Keys.Where(s => ack.Acknowledges(s))) _sentAt.TryRemove(seq, out _);
        _acked.Release();
        _log.LogDebug("Uplink ack {Highest}: {Released} frames released, {Left} waiting", ack.Highest, released, _queue.Count);
    }

    // Oldest first, a round of frames at a time, the next round once the cloud acknowledged the
    // last or a second passed: a lost frame is sent again while it is still inside the window.
    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        var after = _options.ReplayAfter;
        for (int round = 0; round < _options.ReplayRoundsPerTick; round++)
        {
            if (_terminal?.Channel is not { } channel) return;
            int sent = 0;
            foreach (var frame in _queue.Peek(ReplayRound))
            {
                // Held frames and frames from before a restart have no send time: they are due at once.
                if (_sentAt.TryGetValue(frame.Sequence, out var at) && _time.GetElapsedTime(at) < after) continue;
                try
                {
                    await channel.ResendAsync(frame.Frame, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return; // the session ended under us; the next one replays
                }
                _sentAt[frame.Sequence] = _time.GetTimestamp();
                FramesResent++;
                sent++;
            }
            if (sent == 0) return;
            while (_acked.CurrentCount > 0) await _acked.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!await _acked.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false)) return;
        }
    }
}
