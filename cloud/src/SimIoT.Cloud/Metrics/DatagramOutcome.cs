namespace SimIoT.Cloud.Metrics;

/// <summary>What the gateway did with a datagram; every drop has its own reason.</summary>
public enum DatagramOutcome
{
    Accepted,
    Empty,
    TooLarge,
    LegacyDisabled,

    /// <summary>A v1 packet from outside Gateway:LegacyNetworks.</summary>
    LegacyNetworkRefused,

    /// <summary>A v1 packet from a new source when Gateway:LegacyMaxModems are already held.</summary>
    LegacyLimitReached,
    V1Malformed,
    V2Truncated,
    V2UnknownKind,
    V2ZeroSequence,
    WrongDirection,
    UnknownModem,
    BadTag,
    Replayed,
    MalformedPayload,

    /// <summary>Not taken: the bus or the store is overloaded or down (reason in simiot_gateway_shed_total).</summary>
    Shed,
}
