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
/// and has the terminal send the frames through the <see cref="StoreAndForwardBearer"/> (the
/// on-disk queue, send order, acknowledgement and replay). This class keeps the SIM session:
/// submitting readings, collecting the card's verified acknowledgements, keepalives that hold
/// the NAT binding open, and a removed or reset card waited for and its session started again
/// without losing a reading.
/// </summary>
public sealed class CardUplink : BackgroundService, IReadingSink
{
    private readonly ICardChannel _channel;
    private readonly StoreAndForwardBearer _bearer;
    private readonly IModemControl _modem;
    private readonly UplinkOptions _options;
    private readonly ToolkitTerminalOptions _terminalOptions;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _sessionGate = new(1, 1);
    private readonly OpenFrameFiller _filler;
    private long _readingsInV2Frames;
    private ToolkitTerminal? _terminal;
    private SimCard? _sim;
    private long _cardSession = -1;
    private TimeSpan _backoff;

    public CardUplink(ICardChannel channel, FrameQueue queue, IModemControl modem, IOptions<UplinkOptions> options, IOptions<ToolkitTerminalOptions> terminalOptions, TimeProvider time, ILoggerFactory loggers)
    {
        _channel = channel;
        _modem = modem;
        _options = options.Value;
        _bearer = new StoreAndForwardBearer(queue, _options, time, loggers.CreateLogger<StoreAndForwardBearer>());
        _terminalOptions = terminalOptions.Value;
        _time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger<CardUplink>();
        _backoff = _options.RecoveryInitial;
        _filler = new OpenFrameFiller(time);
    }

    /// <summary>Readings the card sealed into frames (v3 compact frames, or v2 frames on a card without them).</summary>
    public long ReadingsSubmitted => _readingsInV2Frames + _filler.SealedReadings;

    public long SessionsStarted { get; private set; }

    /// <summary>See <see cref="StoreAndForwardBearer.FramesUnconfirmed"/>.</summary>
    public long FramesUnconfirmed => _bearer.FramesUnconfirmed;

    public long FramesResent => _bearer.FramesResent;

    /// <summary>Frames on disk waiting for the cloud's acknowledgement.</summary>
    public int FramesQueued => _bearer.Count;

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
            bool compact = false;
            await WithSessionAsync(async sim =>
            {
                var rest = packets.GetRange(start + progress.Taken, packets.Count - start - progress.Taken);
                compact = _filler.Enabled && rest.TrueForAll(p => OpenFrameFiller.Fits(p));
                if (compact)
                {
                    await _filler.AddAsync(sim, rest, progress, cancellationToken).ConfigureAwait(false);
                    return 0;
                }
                // The open frame leaves first, so readings keep their order.
                if (_filler.Enabled && !await _filler.SealAsync(sim, cancellationToken).ConfigureAwait(false)) return 0;
                return await sim.SubmitAsync(rest, progress, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            done = start + progress.Taken;
            if (!compact) _readingsInV2Frames += progress.Taken;
            if (progress.Taken == 0) await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
        }
        if (_filler.IsDue(_options.FrameDeadline)) await SealOpenFrameAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task SealOpenFrameAsync(CancellationToken cancellationToken) =>
        WithSessionAsync(sim => _filler.SealAsync(sim, cancellationToken), cancellationToken);

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
                if (_filler.IsDue(_options.FrameDeadline)) await SealOpenFrameAsync(stoppingToken).ConfigureAwait(false);
                if (_bearer.SinceLastUplink >= _options.Keepalive)
                    await WithSessionAsync(async sim => { await sim.SendKeepaliveAsync(stoppingToken).ConfigureAwait(false); return 0; }, stoppingToken).ConfigureAwait(false);
                await _bearer.ReplayAsync(() => _terminal?.Channel, stoppingToken).ConfigureAwait(false);
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
        // Frames flow one way: card → terminal → bearer (queue, order, UDP); the card's verified
        // acknowledgement comes back the same way once the terminal delivered a downlink datagram.
        terminal.SendNow = _bearer.Offer;
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
        _filler.SessionStarted(enabled: !status.IsLegacy);
        SessionsStarted++;
        _log.LogInformation("SIM session {Session} started: modem {Modem} on {Carrier}, {Queued} frames waiting for acknowledgement",
            SessionsStarted, status.ModemId, status.CarrierName, _bearer.Count);
    }

    private async Task EndSessionAsync()
    {
        var terminal = _terminal;
        _terminal = null;
        _sim = null;
        _cardSession = -1;
        if (terminal is not null) await terminal.DisposeAsync().ConfigureAwait(false);
    }

    private async Task OnDownlinkDeliveredAsync()
    {
        if (_sim is not { } sim) return;
        if (await sim.TakeUplinkAckAsync(CancellationToken.None).ConfigureAwait(false) is not { } ack) return;
        _bearer.Acknowledge(ack);
    }
}
