using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The only sender of downlink frames: uplink acks (coalesced to one per modem per
/// <see cref="GatewayOptions.AckInterval"/>, the last frame of a burst always acked) and commands.
/// Being the only one, it owns the per-modem downlink sequence and its durable reservation.
/// </summary>
public sealed class DownlinkSender(
    GatewaySocket gateway,
    IModemStore store,
    CloudMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<DownlinkSender> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly byte[] _frame = new byte[SecureFrame.MaxFrameLength];
    private readonly byte[] _payload = new byte[64];
    private readonly long _ackInterval = (long)(options.Value.AckInterval.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Called under the session's gate by the receive loop when it sets AckPending.</summary>
    public void RequestAck(ModemSession session) => _work.Writer.TryWrite(new Work(session, 0, default));

    /// <summary>A path challenge to a candidate address (from the receive loop; rate-bounded by <see cref="ModemSession.CheckPath"/>).</summary>
    public void SendChallenge(byte[] datagram, SocketAddress candidate) => gateway.Send(datagram, candidate);

    public void SendCommand(ModemSession session, uint commandId, Carrier carrier) => _work.Writer.TryWrite(new Work(session, commandId, carrier));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deferred = new List<ModemSession>();
        var reader = _work.Reader;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (deferred.Count == 0)
                {
                    await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    tick.CancelAfter(Tick);
                    try { await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
                }
                while (reader.TryRead(out var work))
                {
                    if (work.CommandId != 0) await SendCommandNowAsync(work.Session, work.CommandId, work.Carrier, stoppingToken).ConfigureAwait(false);
                    else deferred.Add(work.Session);
                }
                for (int i = deferred.Count - 1; i >= 0; i--)
                {
                    if (await TrySendAckAsync(deferred[i], stoppingToken).ConfigureAwait(false)) deferred.RemoveAt(i);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Downlink loop failed; continuing");
            }
        }
    }

    /// <summary>True when the ack was sent or is no longer needed; false when it must wait for the interval.</summary>
    private async Task<bool> TrySendAckAsync(ModemSession session, CancellationToken cancellationToken)
    {
        if (session.Protocol == ModemProtocol.V1) return true;
        lock (session.Gate)
        {
            if (!session.AckPending || session.Disposed) return true;
            if (Stopwatch.GetTimestamp() - session.LastAckTimestamp < _ackInterval) return false;
        }
        uint sequence = await NextSequenceAsync(session, cancellationToken).ConfigureAwait(false);
        int length;
        SocketAddressCopy? binding, replaySource;
        lock (session.Gate)
        {
            var source = session.TakeReplaySource();
            if (session.Disposed || (session.Endpoint is null && source is null)) return true;
            session.AckPending = false;
            session.LastAckTimestamp = Stopwatch.GetTimestamp();
            int n = session.Durable.ToAck().WriteTo(_payload);
            length = SecureFrame.Seal(session.Keys!, FrameKind.UplinkAck, sequence, _payload.AsSpan(0, n), _frame);
            binding = session.Endpoint is null ? null : new SocketAddressCopy(session.Endpoint);
            replaySource = source is null ? null : new SocketAddressCopy(source);
        }
        // The same sealed ack to both: the card accepts a downlink sequence once, so a second copy
        // reaching it is dropped there.
        if (binding is { } b) gateway.Send(_frame.AsSpan(0, length), b.Address);
        if (replaySource is { } r)
        {
            gateway.Send(_frame.AsSpan(0, length), r.Address);
            metrics.UnprovenAck();
        }
        metrics.AckSent();
        return true;
    }

    private async Task SendCommandNowAsync(ModemSession session, uint commandId, Carrier carrier, CancellationToken cancellationToken)
    {
        var perform = V1Packet.Perform(carrier);
        if (session.Protocol == ModemProtocol.V1)
        {
            SocketAddressCopy legacy;
            lock (session.Gate)
            {
                // The seed's modem listens on a fixed port apart from the one it sends from.
                if (session.DownlinkEndpoint is { } listening) legacy = new SocketAddressCopy(gateway.AddressOf(listening));
                else if (session.Endpoint is null) return;
                else legacy = new SocketAddressCopy(session.Endpoint);
            }
            gateway.Send(perform.ToArray(), legacy.Address);
            metrics.CommandSent();
            return;
        }
        uint sequence = await NextSequenceAsync(session, cancellationToken).ConfigureAwait(false);
        int length;
        SocketAddressCopy destination;
        lock (session.Gate)
        {
            if (session.Disposed || session.Endpoint is null) return;
            int n = new CommandMessage(commandId, perform).WriteTo(_payload);
            length = SecureFrame.Seal(session.Keys!, FrameKind.DownlinkCommand, sequence, _payload.AsSpan(0, n), _frame);
            destination = new SocketAddressCopy(session.Endpoint);
        }
        gateway.Send(_frame.AsSpan(0, length), destination.Address);
        metrics.CommandSent();
        logger.LogInformation("Sent command {Command} (Perform {Carrier}) to modem {Modem}", commandId, CarrierNames.ToName(carrier), session.IdText);
    }

    private async Task<uint> NextSequenceAsync(ModemSession session, CancellationToken cancellationToken)
    {
        lock (session.Gate)
        {
            if (session.NextDownlink != 0 && session.NextDownlink <= session.ReservedThrough) return session.NextDownlink++;
        }
        uint block = Math.Max(1, options.Value.SequenceBlock);
        uint first = await store.ReserveDownlinkSequencesAsync(session.Id, block, cancellationToken).ConfigureAwait(false);
        lock (session.Gate)
        {
            session.NextDownlink = first + 1;
            session.ReservedThrough = first + block - 1;
            return first;
        }
    }

    private readonly record struct Work(ModemSession Session, uint CommandId, Carrier Carrier);

    /// <summary>A private copy, so sending needs no lock while the receive loop may move the binding.</summary>
    private readonly struct SocketAddressCopy
    {
        public SocketAddressCopy(SocketAddress source)
        {
            Address = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span[..source.Size].CopyTo(Address.Buffer.Span);
        }

        public SocketAddress Address { get; }
    }
}
