using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SimIoT.Edge.Queue;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Uplink;

/// <summary>
/// Store-and-forward over the card's UDP channel, in one place: every uplink frame the card
/// sends is kept in the on-disk <see cref="FrameQueue"/> (<see cref="Offer"/>), goes out in
/// sequence order behind any backlog, leaves the queue when the card hands back an
/// acknowledgement it verified (<see cref="Acknowledge"/>), and is sent again from the queue
/// when the cloud did not acknowledge it in time (<see cref="ReplayAsync"/>).
/// </summary>
public sealed class StoreAndForwardBearer(FrameQueue queue, UplinkOptions options, TimeProvider time, ILogger log)
{
    /// <summary>Frames sent per replay round: half the cloud's window, so a lost one can still be sent again.</summary>
    public const int ReplayRound = ReplayWindow.Size / 2;

    private readonly ConcurrentDictionary<uint, long> _sentAt = new();
    private readonly SemaphoreSlim _acked = new(0);
    private long _lastUplink = time.GetTimestamp();
    private long _framesUnconfirmed;
    private long _framesResent;

    /// <summary>Frames waiting for the cloud's acknowledgement.</summary>
    public int Count => queue.Count;

    /// <summary>
    /// Frames that fell below the cloud's replay window without an acknowledgement the agent saw.
    /// The cloud can no longer accept them, so they leave the queue. Most were delivered: the card
    /// keeps only its latest verified acknowledgement, and one the agent did not collect in time
    /// may have covered them. Readings are not lost while frames go out in order (see <see cref="Offer"/>).
    /// </summary>
    public long FramesUnconfirmed => Interlocked.Read(ref _framesUnconfirmed);

    public long FramesResent => Interlocked.Read(ref _framesResent);

    /// <summary>How long nothing went up (for keepalives).</summary>
    public TimeSpan SinceLastUplink => time.GetElapsedTime(Interlocked.Read(ref _lastUplink));

    /// <summary>
    /// The terminal's hook for each datagram the card sends: keeps an uplink frame on disk and says
    /// whether it goes out now. The cloud's replay window only reaches 64 frames back: if a fresh
    /// frame overtook a backlog, the backlog could never be accepted. So while older frames wait
    /// for an acknowledgement, a new one joins the queue and goes out in order behind them.
    /// Legacy (v1) cards send bare packets: no sequence, no acknowledgement, nothing to keep.
    /// </summary>
    public bool Offer(ReadOnlyMemory<byte> datagram)
    {
        Interlocked.Exchange(ref _lastUplink, time.GetTimestamp());
        if (SecureFrame.TryReadHeader(datagram.Span, out var header) != FrameError.None || header.Direction != FrameDirection.Uplink) return true;
        if (!queue.Enqueue(header.Sequence, datagram.Span)) log.LogWarning("Frame {Sequence} could not be queued", header.Sequence);
        if (HasBacklog(except: header.Sequence)) return false;
        _sentAt[header.Sequence] = time.GetTimestamp();
        return true;
    }

    /// <summary>Releases what the card verified as acknowledged, and what fell below the cloud's window.</summary>
    public int Acknowledge(UplinkAck ack)
    {
        int released = queue.Acknowledge(ack);
        if (ack.Highest > ReplayWindow.Size)
        {
            foreach (var frame in queue.Peek().Where(f => f.Sequence < ack.Highest - ReplayWindow.Size))
            {
                if (queue.Remove(frame.Sequence)) Interlocked.Increment(ref _framesUnconfirmed);
            }
        }

        foreach (var seq in _sentAt.Keys.Where(s => ack.Acknowledges(s))) _sentAt.TryRemove(seq, out _);
        _acked.Release();
        log.LogDebug("Uplink ack {Highest}: {Released} frames released, {Left} waiting", ack.Highest, released, queue.Count);
        return released;
    }

    /// <summary>
    /// Oldest first, a round of frames at a time, the next round once the cloud acknowledged the
    /// last or a second passed: a lost frame is sent again while it is still inside the window.
    /// </summary>
    public async Task ReplayAsync(Func<UdpBearerChannel?> channelNow, CancellationToken cancellationToken)
    {
        for (int round = 0; round < options.ReplayRoundsPerTick; round++)
        {
            if (channelNow() is not { } channel) return;
            int sent = 0;
            foreach (var frame in queue.Peek(ReplayRound))
            {
                // Held frames and frames from before a restart have no send time: they are due at once.
                if (_sentAt.TryGetValue(frame.Sequence, out var at) && time.GetElapsedTime(at) < options.ReplayAfter) continue;
                try
                {
                    await channel.ResendAsync(frame.Frame, cancellationToken).ConfigureAwait(false);
                }
                catch (ObjectDisposedException)
                {
                    return; // the session ended under us; the next one replays
                }

                _sentAt[frame.Sequence] = time.GetTimestamp();
                Interlocked.Increment(ref _framesResent);
                sent++;
            }

            if (sent == 0) return;
            while (_acked.CurrentCount > 0) await _acked.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!await _acked.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false)) return;
        }
    }

    private bool HasBacklog(uint except)
    {
        foreach (var frame in queue.Peek(ReplayRound + 1))
        {
            if (frame.Sequence == except) continue;
            if (!_sentAt.TryGetValue(frame.Sequence, out var sent) || time.GetElapsedTime(sent) >= options.ReplayAfter) return true;
        }

        return false;
    }
}
