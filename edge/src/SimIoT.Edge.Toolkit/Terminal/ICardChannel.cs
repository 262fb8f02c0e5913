namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>
/// A connection to a card that exchanges command and response APDUs (PC/SC, vpcd, or a
/// test script). Implementations deal with transport matters such as 61xx and 6Cxx;
/// the terminal sees only complete responses.
/// </summary>
public interface ICardChannel
{
    /// <exception cref="CardRemovedException">the card is gone; reconnect before the next command.</exception>
    Task<ResponseApdu> TransmitAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken);
}
