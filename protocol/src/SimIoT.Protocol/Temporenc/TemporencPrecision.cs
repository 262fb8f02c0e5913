namespace SimIoT.Protocol.Temporenc;

/// <summary>Sub-second precision of a temporenc DTS value; the numbers are the P bits of the encoding.</summary>
public enum TemporencPrecision : byte
{
    Millisecond = 0b00,
    Microsecond = 0b01,
    Nanosecond = 0b10,
    None = 0b11,
}
