namespace SimIoT.Protocol.V1;

/// <summary>Status codes of the IoT Status packet.</summary>
public enum IotStatus : byte
{
    Nominal = 0x0,
    Idle = 0x1,
    OffNominal = 0x2,
}
