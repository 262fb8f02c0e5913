namespace SimIoT.Edge.Toolkit.Responses;

/// <summary>The two bytes of the channel status object (§8.56), client mode.</summary>
public static class ChannelStatus
{
    public const byte LinkDropped = 0x05;

    public static byte[] Encode(int channelId, bool linkEstablished, byte further = 0x00) =>
        [(byte)((linkEstablished ? 0x80 : 0x00) | (channelId & 0x07)), further];
}
