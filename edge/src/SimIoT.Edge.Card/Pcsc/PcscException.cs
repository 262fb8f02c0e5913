namespace SimIoT.Edge.Card.Pcsc;

/// <summary>A PC/SC call failed; <see cref="Error"/> is the SCARD_* code.</summary>
public sealed class PcscException : IOException
{
    public PcscException()
    {
    }

    public PcscException(string message)
        : base(message)
    {
    }

    public PcscException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PcscException(string function, PcscError error)
        : base($"{function} failed: {Describe(error)}")
    {
        Error = error;
    }

    public PcscError Error { get; }

    /// <summary>
    /// True for the codes that mean the card (or its reader) went away or was reset. NOT_TRANSACTED
    /// counts: the reader driver lost the exchange (vpcd returns it when the card's socket is gone
    /// before pcscd has noticed the removal), so the card's state is unknown and a fresh
    /// connection is the only safe continuation.
    /// </summary>
    public bool IsCardGone => Error is PcscError.RemovedCard or PcscError.ResetCard or PcscError.NoSmartcard or PcscError.NotTransacted
        or PcscError.ReaderUnavailable or PcscError.UnpoweredCard or PcscError.UnresponsiveCard or PcscError.InvalidHandle;

    internal static string Describe(PcscError error) =>
        Enum.IsDefined(error) ? $"SCARD_{error} (0x{(uint)error:X8})" : $"0x{(uint)error:X8}";
}
