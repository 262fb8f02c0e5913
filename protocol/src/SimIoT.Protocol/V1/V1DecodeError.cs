namespace SimIoT.Protocol.V1;

/// <summary>Why bytes are not a valid v1 packet. Decoding reports one of these instead of throwing.</summary>
public enum V1DecodeError
{
    None = 0,
    Empty,
    /// <summary>Byte 0 is the v2 magic: the datagram is a secure frame, not a v1 packet.</summary>
    SecureFrame,
    UnknownFlow,
    UnknownTopic,
    Truncated,
    InvalidStatus,
    InvalidCarrier,
    NonZeroPadding,
    InvalidTimestamp,
    LengthMismatch,
    TrailingBytes,
}
