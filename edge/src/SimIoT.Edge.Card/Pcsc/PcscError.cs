namespace SimIoT.Edge.Card.Pcsc;

/// <summary>The SCARD_* codes we act on (pcsc-lite pcsclite.h, identical in WinSCard).</summary>
public enum PcscError : uint
{
    Success = 0x00000000,
    Cancelled = 0x80100002,
    InvalidHandle = 0x80100003,
    InsufficientBuffer = 0x80100008,
    UnknownReader = 0x80100009,
    Timeout = 0x8010000A,
    SharingViolation = 0x8010000B,
    NoSmartcard = 0x8010000C,
    ProtocolMismatch = 0x8010000F,
    NotTransacted = 0x80100016,
    ReaderUnavailable = 0x80100017,
    NoService = 0x8010001D,
    ServiceStopped = 0x8010001E,
    NoReadersAvailable = 0x8010002E,
    UnsupportedCard = 0x80100065,
    UnresponsiveCard = 0x80100066,
    UnpoweredCard = 0x80100067,
    ResetCard = 0x80100068,
    RemovedCard = 0x80100069,
}
