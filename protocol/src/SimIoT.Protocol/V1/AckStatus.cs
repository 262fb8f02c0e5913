namespace SimIoT.Protocol.V1;

/// <summary>Status of a Carrier Switch ACK packet.</summary>
public enum AckStatus : byte
{
    Ack = 0x0,
    Nack = 0x1,
}
