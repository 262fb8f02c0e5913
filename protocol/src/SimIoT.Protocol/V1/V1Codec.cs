using System.Buffers.Binary;
using SimIoT.Protocol.Temporenc;

namespace SimIoT.Protocol.V1;

/// <summary>Decodes seed-format packets. Never throws on input; allocates nothing.</summary>
public static class V1Codec
{
    /// <summary>Decodes a datagram that must hold exactly one packet, as the seed sent them.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> datagram, out V1Packet packet, out V1DecodeError error)
    {
        if (!TryDecodePrefix(datagram, out packet, out int consumed, out error))
            return false;
        if (consumed == datagram.Length)
            return true;
        packet = default;
        // An IoT Data packet says how long its data is, so extra bytes contradict its length field.
        error = datagram.Span[0] == (byte)V1PacketKind.IotData ? V1DecodeError.LengthMismatch : V1DecodeError.TrailingBytes;
        return false;
    }

    /// <summary>Decodes the packet at the start of <paramref name="input"/> (v2 frames carry several back to back).</summary>
    public static bool TryDecodePrefix(ReadOnlyMemory<byte> input, out V1Packet packet, out int consumed, out V1DecodeError error)
    {
        packet = default;
        consumed = 0;
        error = Decode(input, ref packet, ref consumed);
        return error == V1DecodeError.None;
    }

    private static V1DecodeError Decode(ReadOnlyMemory<byte> input, ref V1Packet packet, ref int consumed)
    {
        var span = input.Span;
        if (span.IsEmpty) return V1DecodeError.Empty;
        byte first = span[0];
        if (first == V2.SecureFrame.Magic) return V1DecodeError.SecureFrame;
        int flow = first >> 4, topic = first & 0xF;
        if (flow > 1) return V1DecodeError.UnknownFlow;
        if (topic > 1) return V1DecodeError.UnknownTopic;

        var kind = (V1PacketKind)first;
        if (kind == V1PacketKind.IotData)
            return DecodeIotData(input, ref packet, ref consumed);

        if (span.Length < 2) return V1DecodeError.Truncated;
        int high = span[1] >> 4, low = span[1] & 0xF;
        switch (kind)
        {
            case V1PacketKind.IotStatus:
                if (high > (int)IotStatus.OffNominal) return V1DecodeError.InvalidStatus;
                if (low != 0) return V1DecodeError.NonZeroPadding;
                packet = V1Packet.IotStatusReport((IotStatus)high);
                break;
            case V1PacketKind.CarrierSwitchPerform:
                if (!CarrierNames.IsDefined(high)) return V1DecodeError.InvalidCarrier;
                if (low != 0) return V1DecodeError.NonZeroPadding;
                packet = V1Packet.Perform((Carrier)high);
                break;
            default:
                if (high > (int)AckStatus.Nack) return V1DecodeError.InvalidStatus;
                if (!CarrierNames.IsDefined(low)) return V1DecodeError.InvalidCarrier;
                packet = V1Packet.Ack((AckStatus)high, (Carrier)low);
                break;
        }
        consumed = 2;
        return V1DecodeError.None;
    }

    private static V1DecodeError DecodeIotData(ReadOnlyMemory<byte> input, ref V1Packet packet, ref int consumed)
    {
        var span = input.Span;
        if (span.Length < V1Packet.IotDataHeaderLength) return V1DecodeError.Truncated;
        uint deviceId = BinaryPrimitives.ReadUInt32BigEndian(span[1..]);

        // The seed fixes the timestamp at 8 bytes: a DTS value at microsecond precision.
        var stampBytes = span.Slice(5, 8);
        if (TemporencDateTime.TryRead(stampBytes, out var stamp, out int read) != TemporencError.None
            || read != 8 || stamp.Precision != TemporencPrecision.Microsecond
            || !stamp.TryGetDateTime(out var timestamp))
            return V1DecodeError.InvalidTimestamp;

        int dataLength = span[13];
        if (span.Length < V1Packet.IotDataHeaderLength + dataLength) return V1DecodeError.LengthMismatch;
        packet = V1Packet.IotData(deviceId, timestamp, input.Slice(V1Packet.IotDataHeaderLength, dataLength));
        consumed = V1Packet.IotDataHeaderLength + dataLength;
        return V1DecodeError.None;
    }
}
