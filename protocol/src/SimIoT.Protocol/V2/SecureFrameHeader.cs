namespace SimIoT.Protocol.V2;

/// <summary>The clear part of a v2 frame: enough to find the modem's keys before anything is verified.</summary>
public readonly record struct SecureFrameHeader(FrameKind Kind, ModemId ModemId, uint Sequence, int PayloadLength)
{
    /// <summary>2, or 3 for an uplink-data frame whose plaintext is compact reading blocks.</summary>
    public int Version { get; init; } = 2;

    public FrameDirection Direction => SecureFrame.DirectionOf(Kind);
}
