using SimIoT.Edge.Toolkit.Commands;
using SimIoT.Edge.Toolkit.Tlv;

namespace SimIoT.Edge.Toolkit.Responses;

/// <summary>ENVELOPE templates the terminal sends: event downloads (D6) and timer expiration (D7).</summary>
public static class Envelopes
{
    public const byte EventDataAvailable = 0x09;
    public const byte EventChannelStatus = 0x0A;

    /// <summary>Data available: channel status and how many bytes wait in the channel (FF means more than 255).</summary>
    public static byte[] DataAvailable(int channelId, int bytesAvailable) =>
        new TlvWriter()
            .Add(ToolkitTag.EventList | ToolkitTag.ComprehensionRequired, EventDataAvailable)
            .Add(ToolkitTag.DeviceIdentities | ToolkitTag.ComprehensionRequired, DeviceIdentity.Terminal, DeviceIdentity.Uicc)
            .Add(ToolkitTag.ChannelStatus | ToolkitTag.ComprehensionRequired, ChannelStatus.Encode(channelId, linkEstablished: true))
            .Add(ToolkitTag.ChannelDataLength | ToolkitTag.ComprehensionRequired, (byte)Math.Min(bytesAvailable, 0xFF))
            .ToTemplate(ToolkitTag.EventDownloadTemplate);

    /// <summary>Channel status event, for example the link dropped.</summary>
    public static byte[] ChannelStatusChanged(int channelId, bool linkEstablished, byte further) =>
        new TlvWriter()
            .Add(ToolkitTag.EventList | ToolkitTag.ComprehensionRequired, EventChannelStatus)
            .Add(ToolkitTag.DeviceIdentities | ToolkitTag.ComprehensionRequired, DeviceIdentity.Terminal, DeviceIdentity.Uicc)
            .Add(ToolkitTag.ChannelStatus | ToolkitTag.ComprehensionRequired, ChannelStatus.Encode(channelId, linkEstablished, further))
            .ToTemplate(ToolkitTag.EventDownloadTemplate);

    /// <summary>Timer expiration (§7.4): the timer's identifier and the value it ran for.</summary>
    public static byte[] TimerExpired(byte timerId, TimeSpan value) =>
        new TlvWriter()
            .Add(ToolkitTag.DeviceIdentities | ToolkitTag.ComprehensionRequired, DeviceIdentity.Terminal, DeviceIdentity.Uicc)
            .Add(ToolkitTag.TimerIdentifier | ToolkitTag.ComprehensionRequired, timerId)
            .Add(ToolkitTag.TimerValue | ToolkitTag.ComprehensionRequired, TimerValue.Encode(value))
            .ToTemplate(ToolkitTag.TimerExpirationTemplate);
}
