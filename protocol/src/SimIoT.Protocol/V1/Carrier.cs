namespace SimIoT.Protocol.V1;

/// <summary>Carrier ids of the seed protocol (a 4-bit field).</summary>
public enum Carrier : byte
{
    Att = 0x0,
    TMobile = 0x1,
    Verizon = 0x2,
    Disconnect = 0xF,
}
