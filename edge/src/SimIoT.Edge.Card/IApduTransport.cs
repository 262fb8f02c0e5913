namespace SimIoT.Edge.Card;

/// <summary>
/// Moves one command APDU to a card and its response back, nothing more: no 61xx/6Cxx
/// handling (that is <see cref="CardChannel"/>'s job). Implemented over PC/SC and over vpcd.
/// </summary>
public interface IApduTransport : IDisposable
{
    /// <summary>The card's answer to reset, empty while no card is connected.</summary>
    ReadOnlyMemory<byte> Atr { get; }

    /// <summary>Increments each time a (new or reset) card is connected: state held in the card was lost.</summary>
    long Session { get; }

    /// <summary>Sends one APDU and returns the raw response (data + SW1 SW2).</summary>
    /// <exception cref="CardRemovedException">The card went away; the next call waits for one again.</exception>
    byte[] Transmit(ReadOnlySpan<byte> apdu);

    /// <summary>
    /// Keeps every other client of the card out until the result is disposed, so the APDUs sent
    /// meanwhile form one exchange (PC/SC: a transaction). Null where the transport has no other
    /// clients (vpcd). Exchanges nest.
    /// </summary>
    /// <exception cref="CardRemovedException">No card, or it went away.</exception>
    IDisposable? BeginExchange() => null;
}
