namespace SimIoT.Edge.Toolkit.Responses;

/// <summary>The toolkit APDUs of ETSI TS 102 221 (CLA 80): TERMINAL PROFILE, FETCH, TERMINAL RESPONSE, ENVELOPE.</summary>
public static class ToolkitApdu
{
    public const byte Cla = 0x80;

    public static byte[] TerminalProfile(ReadOnlySpan<byte> profile) => WithData(0x10, profile);

    /// <summary>FETCH with Le = the length the card announced in SW2 of its 91xx.</summary>
    public static byte[] Fetch(byte length) => [Cla, 0x12, 0x00, 0x00, length];

    public static byte[] TerminalResponse(ReadOnlySpan<byte> objects) => WithData(0x14, objects);

    public static byte[] Envelope(ReadOnlySpan<byte> template) => WithData(0xC2, template);

    private static byte[] WithData(byte ins, ReadOnlySpan<byte> data)
    {
        if (data.Length > 255) throw new ArgumentException("toolkit data exceeds a short APDU", nameof(data));
        var apdu = new byte[5 + data.Length];
        apdu[0] = Cla;
        apdu[1] = ins;
        apdu[4] = (byte)data.Length;
        data.CopyTo(apdu.AsSpan(5));
        return apdu;
    }
}
