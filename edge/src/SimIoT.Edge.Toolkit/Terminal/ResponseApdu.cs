namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>A response APDU: data and the status word SW1 SW2.</summary>
public readonly record struct ResponseApdu(byte[] Data, ushort StatusWord)
{
    public byte Sw1 => (byte)(StatusWord >> 8);

    public byte Sw2 => (byte)StatusWord;

    public bool IsSuccess => StatusWord == 0x9000 || Sw1 == 0x91;

    /// <summary>91xx: done, and a proactive command of xx bytes waits to be fetched.</summary>
    public bool HasProactiveCommand => Sw1 == 0x91;

    public static ResponseApdu Parse(ReadOnlySpan<byte> raw) =>
        raw.Length < 2 ? throw new ArgumentException("a response APDU has at least SW1 SW2", nameof(raw))
            : new ResponseApdu(raw[..^2].ToArray(), (ushort)((raw[^2] << 8) | raw[^1]));

    public override string ToString() => $"{StatusWord:X4} ({Data.Length} bytes)";
}
