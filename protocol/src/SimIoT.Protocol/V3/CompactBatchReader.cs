using System.Buffers.Binary;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.V3;

/// <summary>
/// Reads the readings of a v3 uplink-data payload (compact blocks back to back) one by one,
/// each as the v1 IoT Data packet it stands for. Never throws on received bytes.
/// </summary>
public struct CompactBatchReader(ReadOnlyMemory<byte> payload)
{
    private int _offset;
    private int _left;
    private long _time;
    private Dictionary<byte, byte[]>? _last; // each device's previous values in the block, for delta-coded readings

    /// <summary>
    /// The next reading. Returns false at the end (<paramref name="error"/> None) or on a malformed
    /// block (Truncated, LengthMismatch for a block of no readings, InvalidTimestamp past year 4094);
    /// reading stops there.
    /// </summary>
    public bool TryRead(out V1Packet packet, out V1DecodeError error)
    {
        packet = default;
        error = V1DecodeError.None;
        var span = payload.Span;
        if (_left == 0)
        {
            if (_offset >= span.Length) return false;
            if (span.Length - _offset < CompactReadings.BlockHeaderLength) return Fail(V1DecodeError.Truncated, out error);
            ulong baseTime = BinaryPrimitives.ReadUInt64BigEndian(span[_offset..]);
            _left = span[_offset + 8];
            if (_left == 0) return Fail(V1DecodeError.LengthMismatch, out error);
            if (baseTime > (ulong)CompactReadings.MaxMicroseconds) return Fail(V1DecodeError.InvalidTimestamp, out error);
            _time = (long)baseTime;
            _offset += CompactReadings.BlockHeaderLength;
            _last?.Clear();
        }
        if (span.Length - _offset < CompactReadings.ReadingHeaderLength) return Fail(V1DecodeError.Truncated, out error);
        byte device = span[_offset];
        int width = (span[_offset + 1] >> 6) + 1;
        int count = span[_offset + 1] & CompactReadings.CountMask;
        bool delta = (span[_offset + 1] & CompactReadings.DeltaFlag) != 0;
        _time += BinaryPrimitives.ReadUInt16BigEndian(span[(_offset + 2)..]);
        _offset += CompactReadings.ReadingHeaderLength;
        if (_time > CompactReadings.MaxMicroseconds) return Fail(V1DecodeError.InvalidTimestamp, out error);
        if (span.Length - _offset < count * width) return Fail(V1DecodeError.Truncated, out error);
        _last ??= [];
        byte[]? before = null;
        if (delta && (!_last.TryGetValue(device, out before) || before.Length != count * 4))
            return Fail(V1DecodeError.LengthMismatch, out error); // a delta with no reading of the same shape before it
        var data = new byte[count * 4];
        for (int i = 0; i < count; i++)
        {
            int value = (sbyte)span[_offset++]; // the first byte carries the sign
            for (int b = 1; b < width; b++) value = value << 8 | span[_offset++];
            if (before is not null) value = unchecked(value + BinaryPrimitives.ReadInt32BigEndian(before.AsSpan(i * 4)));
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(i * 4), value);
        }
        _last[device] = data;
        _left--;
        packet = V1Packet.IotData(device, DateTime.UnixEpoch.AddTicks(_time * TimeSpan.TicksPerMicrosecond), data);
        return true;
    }

    private bool Fail(V1DecodeError reason, out V1DecodeError error)
    {
        error = reason;
        _offset = payload.Length;
        _left = 0;
        return false;
    }
}
