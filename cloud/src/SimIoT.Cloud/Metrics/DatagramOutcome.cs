namespace SimIoT.Cloud.Metrics;

/// <summary>What the gateway did with a datagram; every drop has its own reason.</summary>
public enum DatagramOutcome
{
    Accepted,
    Empty,
    TooLarge,
    LegacyDisabled,
    V1Malformed,
    V2Truncated,
    V2UnknownKind,
    V2ZeroSequence,
    WrongDirection,
    UnknownModem,
    BadTag,
    Replayed,
    MalformedPayload,
}
