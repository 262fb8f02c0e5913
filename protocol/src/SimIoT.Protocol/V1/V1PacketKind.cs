namespace SimIoT.Protocol.V1;

/// <summary>The four seed packets; the value is byte 0 on the wire (flow in the high nibble, topic in the low).</summary>
public enum V1PacketKind : byte
{
    IotData = 0x00,
    IotStatus = 0x01,
    CarrierSwitchPerform = 0x10,
    CarrierSwitchAck = 0x11,
}
