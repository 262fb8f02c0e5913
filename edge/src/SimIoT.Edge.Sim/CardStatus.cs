using System.Buffers.Binary;
using System.Net;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Sim;

/// <summary>The applet's GET STATUS record: identity, carrier, counters and toolkit state.</summary>
public sealed record CardStatus(
    byte Flags,
    ModemId ModemId,
    int CarrierId,
    int PreviousCarrierId,
    ushort Subscriptions,
    uint NextUplinkSequence,
    uint HighestDownlinkSequence,
    ushort BadMacCount,
    ushort ReplayedCount,
    ushort MalformedCount,
    ushort SentCount,
    ushort DroppedCount,
    bool SessionActive,
    int ChannelId,
    int QueuedCommands,
    ushort FallbackSeconds,
    int AdminTriesLeft,
    IPEndPoint? Endpoint)
{
    public bool IsLocked => (Flags & 0x10) != 0;

    public bool IsLegacy => (Flags & 0x20) != 0;

    public bool IsPersonalised => (Flags & 0x0F) == 0x0F;

    public bool FallbackArmed => (Flags & 0x80) != 0;

    public string CarrierName => CarrierNames.IsDefined(CarrierId) ? CarrierNames.ToName((Carrier)CarrierId) : $"carrier {CarrierId}";

    public static CardStatus Parse(ReadOnlySpan<byte> s)
    {
        if (s.Length < SimAppletCommands.StatusLength || s[0] != 0x01)
            throw new FormatException($"unknown status record (version {(s.IsEmpty ? -1 : s[0])}, {s.Length} bytes)");
        IPEndPoint? endpoint = s[39] switch
        {
            0x21 => new IPEndPoint(new IPAddress(s.Slice(40, 4)), BinaryPrimitives.ReadUInt16BigEndian(s[56..])),
            0x57 => new IPEndPoint(new IPAddress(s.Slice(40, 16)), BinaryPrimitives.ReadUInt16BigEndian(s[56..])),
            _ => null,
        };
        return new CardStatus(
            s[1], new ModemId(BinaryPrimitives.ReadUInt64BigEndian(s[2..])), s[10], s[11],
            BinaryPrimitives.ReadUInt16BigEndian(s[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(s[14..]), BinaryPrimitives.ReadUInt32BigEndian(s[18..]),
            BinaryPrimitives.ReadUInt16BigEndian(s[22..]), BinaryPrimitives.ReadUInt16BigEndian(s[24..]),
            BinaryPrimitives.ReadUInt16BigEndian(s[26..]), BinaryPrimitives.ReadUInt16BigEndian(s[28..]),
            BinaryPrimitives.ReadUInt16BigEndian(s[30..]),
            s[32] != 0, s[33], s[34], BinaryPrimitives.ReadUInt16BigEndian(s[36..]), s[38], endpoint);
    }
}
