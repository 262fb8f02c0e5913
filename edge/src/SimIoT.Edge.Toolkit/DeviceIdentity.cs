namespace SimIoT.Edge.Toolkit;

/// <summary>Device identities of ETSI TS 102 223 §8.7.</summary>
public static class DeviceIdentity
{
    public const byte Uicc = 0x81;
    public const byte Terminal = 0x82;
    public const byte Network = 0x83;

    /// <summary>Channel 1..7 is 0x21..0x27.</summary>
    public static byte Channel(int id) => id is >= 1 and <= 7 ? (byte)(0x20 + id) : throw new ArgumentOutOfRangeException(nameof(id));

    public static bool IsChannel(byte identity) => identity is >= 0x21 and <= 0x27;
}
