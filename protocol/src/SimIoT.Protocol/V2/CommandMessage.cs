using System.Buffers.Binary;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.V2;

/// <summary>
/// Payload of downlink-command and command-result frames: a command id and exactly one v1
/// packet. Command id 0 in a command-result is an unsolicited carrier report.
/// </summary>
public readonly record struct CommandMessage(uint CommandId, V1Packet Packet)
{
    public const uint UnsolicitedReport = 0;

    public int EncodedLength => 4 + Packet.EncodedLength;

    public int WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, CommandId);
        return 4 + Packet.WriteTo(destination[4..]);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    public static bool TryRead(ReadOnlyMemory<byte> payload, out CommandMessage message)
    {
        message = default;
        if (payload.Length < 5) return false;
        uint id = BinaryPrimitives.ReadUInt32BigEndian(payload.Span);
        if (!V1Codec.TryDecode(payload[4..], out var packet, out _)) return false;
        message = new CommandMessage(id, packet);
        return true;
    }
}
