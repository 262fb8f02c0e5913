using System.Net;
using System.Net.Sockets;
using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The gateway's live state of one modem. Everything mutable is guarded by <see cref="Gate"/>:
/// the receive loop and the downlink loop both touch it (ModemKeys is not thread-safe either).
/// </summary>
public sealed class ModemSession(ModemRecord record, ModemKeys? keys) : IDisposable
{
    public object Gate { get; } = new();
    public ModemId Id { get; } = record.Id;
    public string IdText { get; } = record.Id.ToString();
    public ModemProtocol Protocol { get; } = record.Protocol;
    public ModemKeys? Keys { get; } = keys;
    /// <summary>Frames accepted (in flight or durable): a frame in it is a replay.</summary>
    public ReplayWindow Window { get; private set; } = new(record.UplinkHighest, record.UplinkBitmap);

    /// <summary>
    /// Frames whose readings are durable (stored, or acknowledged by Kafka): what the uplink ack
    /// covers and what the store keeps, so a restart accepts again what was never durable.
    /// </summary>
    public ReplayWindow Durable { get; private set; } = new(record.UplinkHighest, record.UplinkBitmap);

    /// <summary>
    /// A frame failed to become durable: accept again every frame that is not, so the edge's
    /// resend is taken as new (the store's unique index drops what an in-flight copy also writes).
    /// </summary>
    public void ForgetUndurable() => Window = new ReplayWindow(Durable.Highest, Durable.Bitmap);

    /// <summary>Where the modem last sent an authentic frame from: its NAT binding, the downlink's destination.</summary>
    public SocketAddress? Endpoint { get; private set; }

    /// <summary>A legacy v1 modem's fixed downlink address (set by an admin): commands go there, not to <see cref="Endpoint"/>.</summary>
    public IPEndPoint? DownlinkEndpoint { get; set; } = DownlinkAddress(record);

    public static IPEndPoint? DownlinkAddress(ModemRecord record) =>
        record.DownlinkEndpoint is { } text && IPEndPoint.TryParse(text, out var endpoint) ? endpoint : null;

    public DateTime LastSeen { get; set; } = record.LastSeen ?? default;
    public string? Carrier { get; set; } = record.Carrier;
    public bool AckPending { get; set; }

    /// <summary>
    /// Where a replay came from when that is not the binding. A replay never moves
    /// <see cref="Endpoint"/>, but its ack must also reach that source: a modem that restarted
    /// behind a new port and resends only frames the cloud already has would otherwise never hear
    /// they arrived, and never send a fresh frame that moves the binding (it holds new frames
    /// behind its backlog). The binding gets the ack too, so a replaying stranger diverts nothing.
    /// </summary>
    private SocketAddress? _replaySource;

    public void NoteReplayFrom(SocketAddress source)
    {
        if (Endpoint is not null && Same(Endpoint, source)) return;
        _replaySource = Copy(source);
    }

    public SocketAddress? TakeReplaySource()
    {
        var source = _replaySource;
        _replaySource = null;
        return source;
    }

    public long LastAckTimestamp { get; set; }
    public uint NextDownlink { get; set; }
    public uint ReservedThrough { get; set; }
    public bool Dirty { get; set; }

    /// <summary>False for a legacy modem that registered itself and is not in the store yet.</summary>
    public bool Stored { get; set; } = true;

    /// <summary>Set when a command waits for this modem, so the receive loop can skip the tracker otherwise.</summary>
    public volatile bool HasCommandWork;

    public bool IsFresh(DateTime now, TimeSpan freshness) => !HeldElsewhere && Endpoint is not null && now - LastSeen < freshness;

    private bool _holding;
    private uint _highestTaken;

    /// <summary>Another gateway took the modem's latest fresh frame: commands are sent from there (<see cref="ModemBindings"/>).</summary>
    public bool HeldElsewhere { get; private set; }

    /// <summary>
    /// A fresh frame bound here: true when this gateway takes the binding now (it did not hold it,
    /// or frames since its last one went elsewhere). Its reserved downlink sequences are dropped:
    /// another gateway may have sent higher ones meanwhile, which the card would not go back below;
    /// the next downlink reserves a block above every one reserved so far.
    /// </summary>
    public bool TakeBinding(uint sequence)
    {
        // Not the replay window: it forgets frames that failed to become durable, and their resend is no move.
        bool taken = !_holding || sequence > _highestTaken + 1;
        _highestTaken = Math.Max(_highestTaken, sequence);
        _holding = true;
        HeldElsewhere = false;
        if (taken)
        {
            NextDownlink = 0;
            ReservedThrough = 0;
        }
        return taken;
    }

    /// <summary>Another gateway took the binding with frame <paramref name="sequence"/> from <paramref name="binding"/>; news older than a frame taken here is ignored.</summary>
    public void HandOver(SocketAddress binding, uint sequence)
    {
        if (sequence <= _highestTaken) return;
        _holding = false;
        HeldElsewhere = true;
        UpdateEndpoint(binding);
    }

    /// <summary>Moves the binding; only ever called for an authenticated frame (or a v1 modem, whose identity is its endpoint).</summary>
    public void UpdateEndpoint(SocketAddress source)
    {
        if (Endpoint is not null && Same(Endpoint, source)) return;
        Endpoint = Copy(source);
        EndpointText = SocketAddressText.ToEndPoint(Endpoint).ToString();
    }

    private SocketAddress? _candidate;
    private byte[]? _nonce;
    private long _challengedAt;

    /// <summary>
    /// A fresh, authentic v2 frame from <paramref name="source"/>. One genuine frame proves
    /// nothing about who sends it (a frame held back can be replayed, still fresh, from anywhere),
    /// so the binding moves only to the address of an outstanding path challenge, and only with a
    /// frame from that address whose readings (<paramref name="uplinkData"/>, empty for a command
    /// result) carry the nonce. Otherwise a new address becomes the candidate and gets a new challenge, at
    /// most one per modem per <paramref name="interval"/> (a challenge is a datagram to an
    /// unproven address). docs/decisions.md, "UDP binding moves on a path challenge".
    /// </summary>
    public PathCheck CheckPath(SocketAddress source, ReadOnlyMemory<byte> uplinkData, int version, long now, long interval)
    {
        if (Endpoint is null || Same(Endpoint, source))
        {
            UpdateEndpoint(source);
            return PathCheck.Bound;
        }
        if (_candidate is not null && _nonce is not null && Same(_candidate, source) && PathChallenge.Answers(uplinkData, version, _nonce))
        {
            _candidate = null;
            _nonce = null;
            UpdateEndpoint(source);
            return PathCheck.Moved;
        }
        if (_nonce is not null && now - _challengedAt < interval) return PathCheck.Unproven;
        // The same candidate again (its challenge or answer may have been lost): the same nonce, so
        // an answer already on its way still counts.
        if (_candidate is null || !Same(_candidate, source))
        {
            _candidate = Copy(source);
            _nonce = PathChallenge.NewNonce();
        }
        _challengedAt = now;
        return PathCheck.Challenge;
    }

    /// <summary>The challenge <see cref="CheckPath"/> asked to send, for its candidate address.</summary>
    public byte[] ChallengeDatagram() => PathChallenge.Write(Id, _nonce!);

    // SocketAddress.Equals compares whole buffers, and the receive loop's is larger than a copy's.
    private static bool Same(SocketAddress a, SocketAddress b) =>
        a.Size == b.Size && a.Buffer.Span[..a.Size].SequenceEqual(b.Buffer.Span[..b.Size]);

    // The receive loop reuses its SocketAddress for the next datagram: keep a copy.
    private static SocketAddress Copy(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    public string? EndpointText { get; private set; }

    /// <summary>Set under <see cref="Gate"/> when the modem is deleted; its keys are gone.</summary>
    public bool Disposed { get; private set; }

    public void Dispose()
    {
        lock (Gate)
        {
            Disposed = true;
            Keys?.Dispose();
        }
    }
}
