namespace SimIoT.Edge.Sim;

/// <summary>The SimIoT applet's AID and its own instructions (docs/applet.md).</summary>
public static class SimAppletCommands
{
    public static ReadOnlySpan<byte> Aid => [0xF0, 0x53, 0x49, 0x4D, 0x49, 0x4F, 0x54, 0x01, 0x00];

    public const byte Proprietary = 0x80;
    public const byte SubmitReadings = 0xD0;
    public const byte ReportCarrier = 0xD2;
    public const byte SubmitCompact = 0xD4;

    /// <summary>SUBMIT COMPACT P1: seal the open frame after appending.</summary>
    public const byte SealFrame = 0x01;

    /// <summary>SUBMIT COMPACT P1: discard what the card has open first (the agent submits it again).</summary>
    public const byte NewFrame = 0x02;

    /// <summary>Plaintext bytes of the card's open v3 frame (applet OPEN_SIZE): a 474-byte frame, two full SEND DATA chunks.</summary>
    public const int OpenFrameCapacity = 452;
    public const byte GetUplinkAck = 0xA2;
    public const byte GetStatus = 0xCA;
    public const byte PutData = 0xDA;
    public const byte GetChallenge = 0x84;
    public const byte ExternalAuthenticate = 0x82;

    public const int StatusLength = 58;
    public const int AckLength = 12;
    public const int ChallengeLength = 16;

    /// <summary>A reading in SUBMIT READINGS: device id (4), temporenc DTS µs (8), length (1), data.</summary>
    public const int ReadingHeaderLength = 13;

    public const ushort FileFull = 0x6A84;
    public const ushort ReferencedDataNotFound = 0x6A88;
    public const ushort InsNotSupported = 0x6D00;
}
