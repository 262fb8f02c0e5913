using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Commands;

/// <summary>
/// Carrier switch commands in the gateway: one in flight per modem, the rest queued in order;
/// sent when the modem's binding is fresh, retransmitted after the ack timeout, timed out after
/// the last attempt, expired when queued too long. A result applies once: a duplicate or late
/// result never changes a command twice. Every transition goes to command-state. Before its
/// first transmission a command is claimed in the store (a conditional update), so a command
/// the API cancelled meanwhile is never sent.
/// </summary>
public sealed class CommandTracker(
    ModemRegistry registry,
    DownlinkSender downlink,
    IEventBus bus,
    ICommandControlStore control,
    CloudMetrics metrics,
    TimeProvider time,
    IOptions<CommandOptions> commandOptions,
    IOptions<GatewayOptions> gatewayOptions,
    ILogger<CommandTracker> logger) : BackgroundService
{
    private const int RecentPerModem = 64;
    private readonly object _gate = new();
    private readonly Dictionary<ulong, ModemQueue> _queues = [];
    private readonly CommandOptions _options = commandOptions.Value;
    private readonly TimeSpan _freshness = gatewayOptions.Value.LinkFreshness;

    public void Enqueue(CommandRecord record)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // A command's own time to live counts from its creation; the default from when the gateway has it.
        var expiresAt = record.TimeToLive is { } ttl ? record.CreatedAt + ttl : now + _options.QueuedTimeToLive;
        var tracked = new Tracked(record, expiresAt, record.MaxAttempts ?? _options.MaxAttempts);
        if (!CarrierNames.TryParse(record.Carrier, out tracked.Carrier))
        {
            Publish(tracked, CommandState.Expired, now, detail: $"unknown carrier; valid: {CarrierNames.Valid}");
            return;
        }
        if (!registry.TryGet(record.ModemId, out var session))
        {
            Publish(tracked, CommandState.Expired, now, detail: "unknown modem");
            return;
        }
        lock (_gate)
        {
            var queue = QueueOf(record.ModemId);
            if (queue.InFlight?.Record.Id == record.Id || queue.Waiting.Any(t => t.Record.Id == record.Id) || queue.Recent.ContainsKey(record.Id))
                return;
            queue.Waiting.Enqueue(tracked);
            Publish(tracked, CommandState.Queued, now);
            Dispatch(session, queue, now);
        }
    }

    /// <summary>
    /// A command the store holds as queued or sent (<see cref="OpenCommandReloader"/>): tracked
    /// unless this gateway knows it already, with its attempts so far and the time to live from
    /// its creation. No state is published: the store has it. A modem this gateway does not know
    /// yet is left for a later reload.
    /// </summary>
    public void Adopt(CommandRecord record)
    {
        if (!registry.TryGet(record.ModemId, out var session)) return;
        var tracked = new Tracked(record, record.CreatedAt + (record.TimeToLive ?? _options.QueuedTimeToLive), record.MaxAttempts ?? _options.MaxAttempts) { Attempts = record.Attempts };
        if (!CarrierNames.TryParse(record.Carrier, out tracked.Carrier)) return;
        lock (_gate)
        {
            var queue = QueueOf(record.ModemId);
            if (queue.InFlight?.Record.Id == record.Id || queue.Waiting.Any(t => t.Record.Id == record.Id) || queue.Recent.ContainsKey(record.Id))
                return;
            queue.Waiting.Enqueue(tracked);
            Dispatch(session, queue, time.GetUtcNow().UtcDateTime);
        }
    }

    /// <summary>
    /// Forgets the waiting commands (never sent here), and those in flight to a modem that moved to
    /// another gateway, that the store no longer holds open: another
    /// gateway, which had the modem's binding, finished them. Sending one later, when the modem
    /// comes to this gateway, would switch it a second time. Only commands this gateway took
    /// before <paramref name="readAt"/> (when <paramref name="open"/> was read) are judged.
    /// </summary>
    public void Retain(IReadOnlySet<uint> open, DateTime readAt)
    {
        lock (_gate)
        {
            foreach (var (id, queue) in _queues)
            {
                // Sent from here, then finished by the gateway the modem moved to: never retransmitted
                // from here should the modem come back (it could undo a later switch).
                if (queue.InFlight is { } sent && !open.Contains(sent.Record.Id) && sent.TakenAt < readAt
                    && registry.TryGet(new ModemId(id), out var session) && session.HeldElsewhere)
                {
                    queue.InFlight = null;
                    Remember(queue, sent);
                }
                if (queue.Waiting.Count == 0 || queue.Waiting.All(t => open.Contains(t.Record.Id) || t.TakenAt >= readAt)) continue;
                var keep = queue.Waiting.Where(t => open.Contains(t.Record.Id) || t.TakenAt >= readAt).ToList();
                queue.Waiting.Clear();
                foreach (var t in keep) queue.Waiting.Enqueue(t);
            }
        }
    }

    /// <summary>True while the command waits or is in flight here.</summary>
    public bool Tracks(uint commandId)
    {
        lock (_gate) return _queues.Values.Any(q => q.InFlight?.Record.Id == commandId || q.Waiting.Any(t => t.Record.Id == commandId));
    }

    /// <summary>An authentic frame arrived from a modem that has a command waiting: its binding is fresh now.</summary>
    public void OnFrame(ModemSession session)
    {
        lock (_gate)
        {
            if (_queues.TryGetValue(session.Id.Value, out var queue)) Dispatch(session, queue, time.GetUtcNow().UtcDateTime);
        }
    }

    /// <param name="commandId">null for a v1 ACK, which names no command: it answers the one in flight.</param>
    public void OnResult(ModemSession session, uint? commandId, AckStatus status, Carrier carrier)
    {
        var now = time.GetUtcNow().UtcDateTime;
        string carrierName = CarrierNames.ToName(carrier);
        string statusText = status == AckStatus.Ack ? CarrierSwitchAckMessage.Ack : CarrierSwitchAckMessage.Nack;
        lock (_gate)
        {
            // The SIM's report is the truth about its carrier, whatever command it answers.
            session.Carrier = carrierName;
            session.Dirty = true;
            _queues.TryGetValue(session.Id.Value, out var queue);
            Tracked? target = null;
            // A command still being claimed is not on the wire yet: no result can answer it.
            var sent = queue?.InFlight is { Claimed: true } onTheWire ? onTheWire : null;
            if (commandId is null) target = sent;
            else if (commandId != CommandMessage.UnsolicitedReport)
            {
                if (sent?.Record.Id == commandId) target = sent;
                else if (queue is not null && queue.Recent.TryGetValue(commandId.Value, out var finished))
                {
                    if (finished.ResultSeen)
                    {
                        metrics.DuplicateResult();
                        return;
                    }
                    // Late: the command already timed out. Report the result once; the state stays final.
                    finished.ResultSeen = true;
                    PublishAck(session, statusText, carrierName, commandId);
                    logger.LogInformation("Late result {Status} for command {Command} of modem {Modem}", statusText, commandId, session.IdText);
                    return;
                }
                else
                {
                    // A command this gateway never tracked (a restart lost it, or a stray id): not applied.
                    metrics.DuplicateResult();
                    return;
                }
            }
            if (target is null)
            {
                PublishAck(session, statusText, carrierName, null);
                return;
            }
            target.ResultSeen = true;
            queue!.InFlight = null;
            // The carrier first: a page applying events in order never shows "acked" beside the old carrier.
            PublishAck(session, statusText, carrierName, target.Record.Id);
            Finish(queue, target, status == AckStatus.Ack ? CommandState.Acked : CommandState.Nacked, now, carrierName);
            Dispatch(session, queue, now);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await registry.Loaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                Tick();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Command tick failed");
            }
        }
    }

    private void Tick()
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            foreach (var (id, queue) in _queues)
            {
                if (queue.InFlight is null && queue.Waiting.Count == 0) continue;
                if (!registry.TryGet(new ModemId(id), out var session) || session.Disposed)
                {
                    if (queue.InFlight is { } lost) Finish(queue, lost, CommandState.ModemDeleted, now, detail: "modem deleted");
                    queue.InFlight = null;
                    while (queue.Waiting.TryDequeue(out var waiting)) Finish(queue, waiting, CommandState.ModemDeleted, now, detail: "modem deleted");
                    continue;
                }
                if (queue.InFlight is { Claimed: false } unclaimed)
                {
                    // Its claim failed on a store error: try again while the binding is fresh.
                    if (!unclaimed.Claiming && session.IsFresh(now, _freshness)) Claim(queue, unclaimed);
                }
                else if (queue.InFlight is { } inFlight && now - inFlight.SentAt >= _options.AckTimeout && !session.HeldElsewhere)
                {
                    // Only the first send waits for a fresh binding. A retransmission goes where the modem
                    // last spoke even when that has gone stale since: the attempts are few and bounded,
                    // and a command on the wire ends after them instead of staying sent for good.
                    // Not while another gateway holds the modem: that one adopts the command and ends
                    // it (Retain drops it here); retransmitting or timing it out here would race it.
                    if (inFlight.Attempts < inFlight.MaxAttempts)
                    {
                        Transmit(session, inFlight, now);
                    }
                    else
                    {
                        queue.InFlight = null;
                        Finish(queue, inFlight, CommandState.TimedOut, now, detail: $"no result after {inFlight.Attempts} attempts");
                    }
                }
                Dispatch(session, queue, now);
            }
        }
    }

    // Under _gate. Sends the head of the queue when nothing is in flight and the binding is fresh.
    private void Dispatch(ModemSession session, ModemQueue queue, DateTime now)
    {
        while (queue.InFlight is null && queue.Waiting.TryPeek(out var head))
        {
            if (now >= head.ExpiresAt)
            {
                queue.Waiting.Dequeue();
                Finish(queue, head, CommandState.Expired, now, detail: "time to live passed while queued");
                continue;
            }
            if (!session.IsFresh(now, _freshness)) break;
            queue.Waiting.Dequeue();
            queue.InFlight = head;
            Claim(queue, head);
        }
        session.HasCommandWork = queue.InFlight is not null || queue.Waiting.Count > 0;
    }

    // Under _gate. The command stays in flight (nothing else is sent to the modem) while the store answers.
    private void Claim(ModemQueue queue, Tracked command)
    {
        command.Claiming = true;
        _ = ClaimAsync(queue, command);
    }

    private async Task ClaimAsync(ModemQueue queue, Tracked command)
    {
        // Off the caller's thread: the store is never called under _gate.
        await Task.Yield();
        bool? claimed = null;
        try
        {
            claimed = await control.ClaimCommandAsync(command.Record.Id, command.Attempts + 1, time.GetUtcNow().UtcDateTime, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not claim command {Command} in the store; it waits", command.Record.Id);
        }
        lock (_gate)
        {
            command.Claiming = false;
            if (claimed is null || queue.InFlight != command || !registry.TryGet(command.Record.ModemId, out var session) || session.Disposed) return;
            var now = time.GetUtcNow().UtcDateTime;
            if (claimed.Value)
            {
                command.Claimed = true;
                Transmit(session, command, now);
                return;
            }
            // Cancelled (or otherwise finished) in the store before it was sent: the store has its final state.
            logger.LogInformation("Command {Command} of modem {Modem} was final in the store before it was sent; not sent", command.Record.Id, session.IdText);
            queue.InFlight = null;
            Remember(queue, command);
            Dispatch(session, queue, now);
        }
    }

    private void Transmit(ModemSession session, Tracked command, DateTime now)
    {
        command.Attempts++;
        command.SentAt = now;
        downlink.SendCommand(session, command.Record.Id, command.Carrier);
        Publish(command, CommandState.Sent, now);
    }

    private void Finish(ModemQueue queue, Tracked command, CommandState state, DateTime now, string? resultCarrier = null, string? detail = null)
    {
        Remember(queue, command);
        Publish(command, state, now, resultCarrier, detail);
    }

    private static void Remember(ModemQueue queue, Tracked command)
    {
        queue.Recent[command.Record.Id] = command;
        queue.RecentOrder.Enqueue(command.Record.Id);
        while (queue.RecentOrder.Count > RecentPerModem) queue.Recent.Remove(queue.RecentOrder.Dequeue());
    }

    private void Publish(Tracked command, CommandState state, DateTime now, string? resultCarrier = null, string? detail = null)
    {
        command.State = state;
        metrics.CommandTransition(state);
        var change = new CommandStateChange(command.Record.Id, command.Record.ModemId.ToString(), command.Record.Carrier,
            CommandStates.ToText(state), command.Attempts, now, resultCarrier, detail);
        bus.Publish(CloudTopics.CommandState, change.ModemId, CloudJson.Serialize(change));
    }

    private void PublishAck(ModemSession session, string status, string carrier, uint? commandId) =>
        bus.Publish(CloudTopics.CarrierSwitchAck, session.IdText,
            ContractJson.Serialize(new CarrierSwitchAckMessage(status, carrier, session.IdText, commandId)));

    private ModemQueue QueueOf(ModemId id)
    {
        if (!_queues.TryGetValue(id.Value, out var queue)) _queues[id.Value] = queue = new ModemQueue();
        return queue;
    }

    private sealed class ModemQueue
    {
        public Queue<Tracked> Waiting { get; } = new();
        public Tracked? InFlight { get; set; }
        public Dictionary<uint, Tracked> Recent { get; } = [];
        public Queue<uint> RecentOrder { get; } = new();
    }

    private sealed class Tracked(CommandRecord record, DateTime expiresAt, int maxAttempts)
    {
        public CommandRecord Record { get; } = record;
        public DateTime ExpiresAt { get; } = expiresAt;
        public int MaxAttempts { get; } = maxAttempts;
        public DateTime TakenAt { get; } = DateTime.UtcNow;
        public Carrier Carrier;
        public int Attempts;
        public DateTime SentAt;
        public CommandState State;
        public bool ResultSeen;
        public bool Claiming;
        public bool Claimed;
    }
}
