using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Bus;

/// <summary>
/// Whether the path to durability (bus, store) is overloaded or down, set by that path and read
/// by the gateway before it takes a data frame: it sheds the frame (no ack, the edge resends)
/// rather than queue without bound.
/// </summary>
public sealed class Backpressure
{
    private int _flags;

    public void Set(ShedReason reason, bool on)
    {
        int bit = 1 << (int)reason;
        int seen, next;
        do
        {
            seen = Volatile.Read(ref _flags);
            next = on ? seen | bit : seen & ~bit;
        }
        while (seen != next && Interlocked.CompareExchange(ref _flags, next, seen) != seen);
    }

    public bool IsSet(ShedReason reason) => (Volatile.Read(ref _flags) & (1 << (int)reason)) != 0;

    public bool IsShedding(out ShedReason reason)
    {
        int flags = Volatile.Read(ref _flags);
        reason = default;
        if (flags == 0) return false;
        reason = (ShedReason)System.Numerics.BitOperations.TrailingZeroCount(flags);
        return true;
    }
}
