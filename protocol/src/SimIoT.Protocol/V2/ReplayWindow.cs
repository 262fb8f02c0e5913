namespace SimIoT.Protocol.V2;

/// <summary>
/// Anti-replay window over sequence numbers: remembers the highest accepted sequence and
/// which of the 64 below it were seen (RFC 4303 §3.4.3 style). Not thread-safe.
/// </summary>
public sealed class ReplayWindow
{
    public const int Size = 64;

    public ReplayWindow() { }

    /// <summary>Restores a window, for example from a database or an uplink acknowledgement.</summary>
    public ReplayWindow(uint highest, ulong bitmap)
    {
        Highest = highest;
        Bitmap = highest == 0 ? 0 : bitmap;
    }

    /// <summary>The highest sequence accepted so far; 0 when none.</summary>
    public uint Highest { get; private set; }

    /// <summary>Bit i (least significant first) is set when sequence <c>Highest - 1 - i</c> was accepted.</summary>
    public ulong Bitmap { get; private set; }

    /// <summary>Whether a sequence would be accepted now, without accepting it.</summary>
    public bool IsFresh(uint sequence)
    {
        if (sequence == 0) return false;
        if (sequence > Highest) return true;
        if (sequence == Highest) return false;
        uint offset = Highest - 1 - sequence;
        return offset < Size && (Bitmap & (1UL << (int)offset)) == 0;
    }

    /// <summary>Accepts a sequence once; false for a replay, a zero, or one older than the window.</summary>
    public bool TryAccept(uint sequence)
    {
        if (!IsFresh(sequence)) return false;
        if (sequence > Highest)
        {
            uint shift = sequence - Highest;
            ulong moved = shift >= Size ? 0 : Bitmap << (int)shift;
            if (Highest != 0 && shift - 1 < Size) moved |= 1UL << (int)(shift - 1);
            Bitmap = moved;
            Highest = sequence;
        }
        else
        {
            Bitmap |= 1UL << (int)(Highest - 1 - sequence);
        }
        return true;
    }

    /// <summary>Whether a sequence has been accepted, as far as the window remembers.</summary>
    public bool HasSeen(uint sequence) => sequence != 0 && sequence <= Highest && !IsFresh(sequence) && Highest - sequence <= Size;

    public UplinkAck ToAck() => new(Highest, Bitmap);
}
