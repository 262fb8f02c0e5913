namespace SimIoT.Edge.Card;

/// <summary>
/// A logical conversation with the card: <see cref="Transmit"/> returns the complete response
/// (all data gathered over 61xx GET RESPONSE rounds, 6Cxx already retried with the right Le)
/// ending in the final status word.
/// </summary>
public interface ICardChannel : IDisposable
{
    ReadOnlyMemory<byte> Atr { get; }

    /// <summary>See <see cref="IApduTransport.Session"/>: when it changes, SELECT the applet again.</summary>
    long Session { get; }

    /// <exception cref="CardRemovedException">The card was removed or reset during the exchange.</exception>
    byte[] Transmit(ReadOnlySpan<byte> apdu);

    /// <summary>See <see cref="IApduTransport.BeginExchange"/>: no other client's APDU comes between those sent until disposal.</summary>
    IDisposable? BeginExchange() => null;
}
