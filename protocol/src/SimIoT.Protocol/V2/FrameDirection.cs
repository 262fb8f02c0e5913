namespace SimIoT.Protocol.V2;

/// <summary>Each direction has its own keys and its own sequence counter.</summary>
public enum FrameDirection
{
    Uplink,
    Downlink,
}
