using System.Buffers.Binary;

namespace SimIoT.Protocol.V2;

/// <summary>
/// Payload of an uplink-ack frame: the highest uplink sequence the cloud accepted and a
/// bitmap of the 64 below it (bit i set: <c>Highest - 1 - i</c> accepted).
/// </summary>
public readonly record struct UplinkAck(uint Highest, ulong Bitmap)
{
    public const int EncodedLength = 12;

    public bool Acknowledges(uint sequence)
    {
        if (sequence == 0 || sequence > Highest) return false;
        if (sequence == Highest) return true;
        uint offset = Highest - 1 - sequence;
        return offset < ReplayWindow.Size && (Bitmap & (1UL << (int)offset)) != 0;
    }

    public int WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Highest);
        BinaryPrimitives.WriteUInt64BigEndian(destination[4..], Bitmap);
        return EncodedLength;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    public static bool TryRead(ReadOnlySpan<byte> payload, out UplinkAck ack)
    {
        ack = default;
        if (payload.Length != EncodedLength) return false;
        ack = new UplinkAck(BinaryPrimitives.ReadUInt32BigEndian(payload), BinaryPrimitives.ReadUInt64BigEndian(payload[4..]));
        return true;
    }
}
