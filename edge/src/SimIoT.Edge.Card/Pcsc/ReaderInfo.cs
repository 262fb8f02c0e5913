namespace SimIoT.Edge.Card.Pcsc;

/// <summary>
/// A reader and, when a card is in it, the card's ATR. <see cref="EventCount"/> is the upper
/// 16 bits of dwEventState: pcsc-lite counts card events there and reports a change whenever
/// the count passed back in dwCurrentState differs, so it must be handed back unchanged.
/// </summary>
public sealed record ReaderInfo(string Name, ReaderStatus Status, byte[] Atr, int EventCount = 0)
{
    internal uint ToCurrentState() => (uint)(Status & ~ReaderStatus.Changed) | ((uint)EventCount << 16);

    public bool CardPresent => (Status & ReaderStatus.Present) != 0 && (Status & ReaderStatus.Mute) == 0;
}
