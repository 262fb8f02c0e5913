using System.Runtime.InteropServices;
using SimIoT.Edge.Sim;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V3;

namespace SimIoT.Edge.Uplink;

/// <summary>
/// The agent's half of the card's open v3 frame (SUBMIT COMPACT, docs/protocol.md): gathers readings
/// until they fill a whole SUBMIT (or the frame), packs them into compact blocks sized so the card's
/// frame fills exactly, has the card seal it when full or when the deadline passes (the deadline is
/// the agent's: the card has no clock), and keeps every reading until its frame is sealed. A card reset discards the open frame, so after a new session the readings
/// still unsealed go into a new frame (P1 NewFrame) before any other. Used under the uplink's
/// session gate only, so it needs no lock.
/// </summary>
internal sealed class OpenFrameFiller(TimeProvider time)
{
    // A frame with less room left than one block of one small reading is sealed now.
    private const int SmallestBlock = CompactReadings.BlockHeaderLength + CompactReadings.ReadingHeaderLength + 2;

    // Readings held here: at most about two frames' worth, then the caller waits for the card.
    private const int MaxPending = 128;

    private readonly List<V1Packet> _pending = [];
    private readonly List<V1Packet> _unsealed = [];
    private readonly byte[] _block = new byte[SimCard.MaxSubmitLength];
    private int _openBytes;
    private long _openedAt;
    private bool _unknown = true;

    /// <summary>False on a legacy card or an applet without SUBMIT COMPACT: the readings take the v2 path.</summary>
    public bool Enabled { get; private set; }

    /// <summary>Readings whose frame the card sealed.</summary>
    public long SealedReadings { get; private set; }

    /// <summary>True when the reading can go this way: a compact form that fits one SUBMIT COMPACT.</summary>
    public static bool Fits(in V1Packet reading) =>
        CompactReadings.CanEncode(reading) && CompactReadings.BlockHeaderLength + CompactReadings.EncodedLength(reading) <= SimCard.MaxSubmitLength;

    /// <summary>A new session: what the card holds open is unknown (gone after a reset).</summary>
    public void SessionStarted(bool enabled)
    {
        Enabled = enabled;
        _unknown = true;
    }

    public bool IsDue(TimeSpan deadline) => (_unsealed.Count > 0 || _pending.Count > 0) && time.GetElapsedTime(_openedAt) >= deadline;

    /// <summary>
    /// Takes readings (counted in <paramref name="progress"/>) and puts them into the card's open
    /// frame a whole SUBMIT at a time, sealing frames as they fill; the rest waits for more readings
    /// or the deadline (<see cref="SealAsync"/>). Takes fewer while the card's frame queue is full.
    /// </summary>
    public async Task AddAsync(SimCard sim, IReadOnlyList<V1Packet> readings, SubmitProgress progress, CancellationToken cancellationToken)
    {
        int take = Math.Min(readings.Count - progress.Taken, MaxPending - _pending.Count);
        if (take > 0)
        {
            if (_pending.Count == 0 && _unsealed.Count == 0) _openedAt = time.GetTimestamp();
            for (int i = 0; i < take; i++) InsertInTimeOrder(readings[progress.Taken + i]);
            progress.Taken += take;
        }
        await PutPendingAsync(sim, flush: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts every waiting reading in and has the card seal what it holds open; false when its frame queue is full.</summary>
    public async Task<bool> SealAsync(SimCard sim, CancellationToken cancellationToken)
    {
        if (!await PutPendingAsync(sim, flush: true, cancellationToken).ConfigureAwait(false)) return false;
        return _unsealed.Count == 0 || await SubmitAsync(sim, ReadOnlyMemory<byte>.Empty, SimAppletCommands.SealFrame, [], cancellationToken).ConfigureAwait(false);
    }

    // Full blocks only, unless flushing; false when the card's frame queue is full.
    private async Task<bool> PutPendingAsync(SimCard sim, bool flush, CancellationToken cancellationToken)
    {
        if (!await ResubmitAsync(sim, cancellationToken).ConfigureAwait(false)) return false;
        while (_pending.Count > 0)
        {
            int room = Math.Min(_block.Length, SimAppletCommands.OpenFrameCapacity - _openBytes);
            int taken = 0, length = 0;
            while (taken < _pending.Count && room - length >= SmallestBlock)
            {
                int written = CompactReadings.WriteBlock(CollectionsMarshal.AsSpan(_pending)[taken..], _block.AsSpan(length, room - length), out int inBlock);
                if (written == 0) break;
                length += written;
                taken += inBlock;
            }
            if (length == 0)
            {
                // The next reading does not fit in what is left of the frame: seal it.
                if (_unsealed.Count == 0) throw new InvalidOperationException("a reading larger than a SUBMIT COMPACT");
                if (!await SubmitAsync(sim, ReadOnlyMemory<byte>.Empty, SimAppletCommands.SealFrame, [], cancellationToken).ConfigureAwait(false)) return false;
                continue;
            }
            bool full = room - length < SmallestBlock || taken < _pending.Count;
            if (!full && !flush) return true; // wait for more readings to fill the SUBMIT
            bool seal = SimAppletCommands.OpenFrameCapacity - _openBytes - length < SmallestBlock;
            var adding = _pending.GetRange(0, taken).ToArray();
            _pending.RemoveRange(0, taken);
            if (!await SubmitAsync(sim, _block.AsMemory(0, length), seal ? SimAppletCommands.SealFrame : (byte)0, adding, cancellationToken).ConfigureAwait(false))
            {
                _pending.InsertRange(0, adding);
                return false;
            }
        }
        return true;
    }

    // After a new session: discard whatever the card holds open and put the unsealed readings in
    // again as one sealed frame. Until that succeeded the card's open frame stays unknown.
    private async Task<bool> ResubmitAsync(SimCard sim, CancellationToken cancellationToken)
    {
        if (!_unknown) return true;
        var again = _unsealed.ToArray();
        _unsealed.Clear();
        _openBytes = 0;
        long sealedBefore = SealedReadings;
        bool done = false;
        try
        {
            int next = 0;
            byte p1 = SimAppletCommands.NewFrame;
            do
            {
                int length = 0, taken = 0;
                if (next < again.Length) length = CompactReadings.WriteBlock(again.AsSpan(next), _block, out taken);
                if (again.Length > 0 && next + taken == again.Length) p1 |= SimAppletCommands.SealFrame;
                if (!await SubmitAsync(sim, _block.AsMemory(0, length), p1, again[next..(next + taken)], cancellationToken).ConfigureAwait(false)) return false;
                next += taken;
                p1 = 0;
            }
            while (next < again.Length);
            done = true;
            return true;
        }
        finally
        {
            if (done) _unknown = false;
            else if (SealedReadings == sealedBefore) Restore(again); // the frame did not leave: they go in again next time
        }
    }

    private void Restore(V1Packet[] again)
    {
        _unsealed.Clear();
        _unsealed.AddRange(again);
        _openBytes = 0;
    }

    // The readings count as in the card's open frame from before the exchange: if it breaks, they
    // go into a new frame after the next session start (which discards whatever the card holds).
    private async Task<bool> SubmitAsync(SimCard sim, ReadOnlyMemory<byte> blocks, byte p1, V1Packet[] adding, CancellationToken cancellationToken)
    {
        bool seal = (p1 & SimAppletCommands.SealFrame) != 0;
        int sentBefore = sim.DatagramsSent;
        _unsealed.AddRange(adding);
        bool accepted;
        try
        {
            accepted = await sim.SubmitCompactAsync(blocks, p1, cancellationToken).ConfigureAwait(false);
        }
        catch (SimCardException e) when (e.StatusWord == SimAppletCommands.InsNotSupported)
        {
            Enabled = false; // an applet from before SUBMIT COMPACT: the v2 path from now on
            accepted = false;
        }
        catch when (seal && sim.DatagramsSent > sentBefore)
        {
            Sealed(); // the card sealed the frame and it left before the exchange broke
            throw;
        }
        if (!accepted)
        {
            _unsealed.RemoveRange(_unsealed.Count - adding.Length, adding.Length);
            return false;
        }
        _openBytes += blocks.Length;
        if (seal || _openBytes >= SimAppletCommands.OpenFrameCapacity) Sealed();
        return true;
    }

    private void Sealed()
    {
        SealedReadings += _unsealed.Count;
        _unsealed.Clear();
        _openBytes = 0;
        _openedAt = time.GetTimestamp(); // what still waits starts a new frame now
    }

    // Sources deliver in their own order (an MPU-6050 FIFO burst, then a BME280 sample): kept in
    // time order, the readings make long blocks with short time steps.
    private void InsertInTimeOrder(V1Packet reading)
    {
        int at = _pending.Count;
        while (at > 0 && _pending[at - 1].Timestamp > reading.Timestamp) at--;
        _pending.Insert(at, reading);
    }
}
