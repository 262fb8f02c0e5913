using SimIoT.Protocol.V1;
using SimIoT.Protocol.V3;

namespace SimIoT.Protocol.V2;

/// <summary>
/// Reads the v1 packets of an uplink-data payload one by one, without allocating; in a v3
/// frame (<paramref name="version"/> 3) the compact readings, each as its v1 IoT Data packet.
/// </summary>
public struct UplinkBatchReader(ReadOnlyMemory<byte> payload, int version = 2)
{
    private int _offset;
    private CompactBatchReader _compact = new(payload);

    /// <summary>
    /// The next packet. Returns false at the end (<paramref name="error"/> None) or on a
    /// malformed packet (the rest of the batch cannot be framed, so reading stops).
    /// </summary>
    public bool TryRead(out V1Packet packet, out V1DecodeError error)
    {
        if (version == 3) return _compact.TryRead(out packet, out error);
        packet = default;
        error = V1DecodeError.None;
        if (_offset >= payload.Length) return false;
        if (!V1Codec.TryDecodePrefix(payload[_offset..], out packet, out int consumed, out error))
        {
            _offset = payload.Length;
            return false;
        }
        _offset += consumed;
        return true;
    }

    /// <summary>Writes packets back to back; returns the bytes written.</summary>
    public static int Write(IEnumerable<V1Packet> packets, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(packets);
        int offset = 0;
        foreach (var packet in packets) offset += packet.WriteTo(destination[offset..]);
        return offset;
    }
}
