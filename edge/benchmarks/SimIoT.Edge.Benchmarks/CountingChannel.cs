using SimIoT.Edge.Card;

namespace SimIoT.Edge.Benchmarks;

/// <summary>Counts the APDUs that cross to the card and the time spent waiting for it.</summary>
public sealed class CountingChannel(ICardChannel inner) : ICardChannel
{
    public long Apdus { get; private set; }

    public TimeSpan CardTime { get; private set; }

    public ReadOnlyMemory<byte> Atr => inner.Atr;

    public long Session => inner.Session;

    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var response = inner.Transmit(apdu);
        CardTime += System.Diagnostics.Stopwatch.GetElapsedTime(start);
        Apdus++;
        return response;
    }

    public void Dispose() => inner.Dispose();
}
