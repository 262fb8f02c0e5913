using System.Buffers.Binary;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.V3;

/// <summary>
/// The compact reading encoding of SUBMIT COMPACT and of v3 uplink-data frames (layout in
/// docs/protocol.md, "v3 compact frame"): blocks of a 64-bit base time and a count, then per
/// reading a one-byte device id, a format byte (value width, delta flag, count), a 16-bit
/// microsecond step from the previous reading and the values in the narrowest width that holds
/// all of them: the values themselves or, when narrower, their differences from the previous
/// reading of the same device in the block (delta flag).
/// Decoded, every reading is exactly the v1 IoT Data packet it was encoded from.
/// </summary>
public static class CompactReadings
{
    /// <summary>Base time (u64 µs since 1970-01-01 UTC) and reading count (u8).</summary>
    public const int BlockHeaderLength = 9;

    /// <summary>Device id, format, time step.</summary>
    public const int ReadingHeaderLength = 4;

    public const int MaxValues = 31;

    /// <summary>Format byte: bits 7–6 width − 1, bit 5 delta, bits 4–0 number of values.</summary>
    internal const int DeltaFlag = 0x20;
    internal const int CountMask = 0x1F;
    public const int MaxReadingsPerBlock = byte.MaxValue;
    public const int MaxStepMicroseconds = ushort.MaxValue;

    /// <summary>The last instant a v1 timestamp can carry (temporenc year 4094).</summary>
    internal static readonly long MaxMicroseconds = (new DateTime(4095, 1, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond - 1;

    /// <summary>True when the reading has a compact form: IoT Data from device 0–255, after 1970, whose data is whole int32 values.</summary>
    public static bool CanEncode(in V1Packet reading) =>
        reading.Kind == V1PacketKind.IotData && reading.DeviceId <= byte.MaxValue && reading.Timestamp >= DateTime.UnixEpoch
        && reading.Data.Length % 4 == 0 && reading.Data.Length / 4 <= MaxValues;

    /// <summary>Bytes the reading takes inside a block at most (values not delta-coded).</summary>
    public static int EncodedLength(in V1Packet reading) => ReadingHeaderLength + reading.Data.Length / 4 * WidthOf(reading.Data.Span, default);

    /// <summary>
    /// Writes one block of readings[0..], as many as fit in <paramref name="destination"/>, stopping
    /// before a reading that goes back in time or comes more than 65.535 ms after the previous one.
    /// Returns the bytes written (0 when not even the first reading fits); <paramref name="taken"/> is how many readings it holds.
    /// </summary>
    /// <exception cref="ArgumentException">readings[0] has no compact form.</exception>
    public static int WriteBlock(ReadOnlySpan<V1Packet> readings, Span<byte> destination, out int taken)
    {
        taken = 0;
        if (readings.IsEmpty) return 0;
        if (!CanEncode(readings[0])) throw new ArgumentException("the first reading has no compact form", nameof(readings));
        long previous = Microseconds(readings[0].Timestamp);
        int offset = BlockHeaderLength;
        Span<int> last = stackalloc int[byte.MaxValue + 1]; // each device's previous reading in this block: its index + 1
        while (taken < readings.Length && taken < MaxReadingsPerBlock)
        {
            var reading = readings[taken];
            if (!CanEncode(reading)) break;
            long at = Microseconds(reading.Timestamp);
            long step = at - previous;
            if (step is < 0 or > MaxStepMicroseconds) break;
            var values = reading.Data.Span;
            int lastIndex = last[(int)reading.DeviceId] - 1;
            var before = lastIndex >= 0 && readings[lastIndex].Data.Length == values.Length ? readings[lastIndex].Data.Span : default;
            int width = WidthOf(values, default);
            bool delta = !before.IsEmpty && !values.IsEmpty && WidthOf(values, before) < width;
            if (delta) width = WidthOf(values, before);
            int length = ReadingHeaderLength + values.Length / 4 * width;
            if (offset + length > destination.Length) break;
            destination[offset] = (byte)reading.DeviceId;
            destination[offset + 1] = (byte)((width - 1) << 6 | (delta ? DeltaFlag : 0) | values.Length / 4);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)step);
            offset += ReadingHeaderLength;
            for (int v = 0; v < values.Length; v += 4)
            {
                int value = BinaryPrimitives.ReadInt32BigEndian(values[v..]);
                if (delta) value -= BinaryPrimitives.ReadInt32BigEndian(before[v..]); // wraps, as the decoder's sum does
                for (int b = width - 1; b >= 0; b--) destination[offset++] = (byte)(value >> (8 * b));
            }
            last[(int)reading.DeviceId] = taken + 1;
            previous = at;
            taken++;
        }
        if (taken == 0) return 0;
        BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)Microseconds(readings[0].Timestamp));
        destination[8] = (byte)taken;
        return offset;
    }

    internal static long Microseconds(DateTime timestamp) => (timestamp - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    // The narrowest two's-complement width (1–4 bytes) that holds every value (minus its counterpart in before, when given).
    private static int WidthOf(ReadOnlySpan<byte> values, ReadOnlySpan<byte> before)
    {
        int width = 1;
        for (int v = 0; v + 4 <= values.Length; v += 4)
        {
            int value = BinaryPrimitives.ReadInt32BigEndian(values[v..]);
            if (!before.IsEmpty) value -= BinaryPrimitives.ReadInt32BigEndian(before[v..]);
            int needed = value is >= sbyte.MinValue and <= sbyte.MaxValue ? 1
                : value is >= short.MinValue and <= short.MaxValue ? 2
                : value is >= -(1 << 23) and < 1 << 23 ? 3 : 4;
            width = Math.Max(width, needed);
        }
        return width;
    }
}
