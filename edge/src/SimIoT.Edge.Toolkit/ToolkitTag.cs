namespace SimIoT.Edge.Toolkit;

/// <summary>Tags of ETSI TS 101 220 used by SimIoT: COMPREHENSION-TLV objects (CR bit clear) and BER-TLV templates.</summary>
public static class ToolkitTag
{
    public const int CommandDetails = 0x01;
    public const int DeviceIdentities = 0x02;
    public const int Result = 0x03;
    public const int AlphaIdentifier = 0x05;
    public const int FileList = 0x12;
    public const int EventList = 0x19;
    public const int TimerIdentifier = 0x24;
    public const int TimerValue = 0x25;
    public const int BearerDescription = 0x35;
    public const int ChannelData = 0x36;
    public const int ChannelDataLength = 0x37;
    public const int ChannelStatus = 0x38;
    public const int BufferSize = 0x39;
    public const int TransportLevel = 0x3C;
    public const int OtherAddress = 0x3E;
    public const int NetworkAccessName = 0x47;

    public const byte ProactiveCommandTemplate = 0xD0;
    public const byte EventDownloadTemplate = 0xD6;
    public const byte TimerExpirationTemplate = 0xD7;

    /// <summary>The CR flag; set on the objects a terminal writes, as the ETSI examples do.</summary>
    public const int ComprehensionRequired = 0x80;
}
