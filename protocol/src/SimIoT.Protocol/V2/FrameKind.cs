namespace SimIoT.Protocol.V2;

/// <summary>What a v2 frame carries; byte 1 of the frame.</summary>
public enum FrameKind : byte
{
    /// <summary>Modem → cloud: v1 packets back to back (empty: keepalive).</summary>
    UplinkData = 0x01,

    /// <summary>Cloud → modem: which uplink frames arrived (<see cref="UplinkAck"/>).</summary>
    UplinkAck = 0x02,

    /// <summary>Cloud → modem: a command id and one v1 packet (<see cref="CommandMessage"/>).</summary>
    DownlinkCommand = 0x03,

    /// <summary>Modem → cloud: the result of a command (<see cref="CommandMessage"/>).</summary>
    CommandResult = 0x04,
}
