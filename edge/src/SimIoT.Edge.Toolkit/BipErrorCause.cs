namespace SimIoT.Edge.Toolkit;

/// <summary>Additional information for result 3A, Bearer Independent Protocol error (ETSI TS 102 223 §8.12.11).</summary>
public enum BipErrorCause : byte
{
    NoSpecificCause = 0x00,
    NoChannelAvailable = 0x01,
    ChannelClosed = 0x02,
    ChannelIdentifierNotValid = 0x03,
    RequestedBufferSizeNotAvailable = 0x04,
    SecurityError = 0x05,
    TransportLevelNotAvailable = 0x06,
    RemoteDeviceNotReachable = 0x07,
    ServiceError = 0x08,
    ServiceIdentifierUnknown = 0x09,
    PortNotAvailable = 0x10,
}
