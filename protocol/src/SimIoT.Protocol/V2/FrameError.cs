namespace SimIoT.Protocol.V2;

/// <summary>Why a datagram is not an acceptable v2 frame.</summary>
public enum FrameError
{
    None = 0,
    Truncated,
    NotSecureFrame,
    UnknownKind,
    TooLarge,
    ZeroSequence,
    /// <summary>The tag does not verify: forged, corrupted, or sealed with other keys.</summary>
    BadTag,
    /// <summary>The tag verifies but the sequence was already seen or is older than the window.</summary>
    Replayed,
    /// <summary>The plaintext does not have the layout its kind requires.</summary>
    MalformedPayload,
}
