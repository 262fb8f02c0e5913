using System.Buffers.Binary;

namespace SimIoT.Protocol.Telemetry;

/// <summary>
/// The data of an IoT Data packet: one signed 32-bit big-endian integer per axis. Four
/// bytes is a single value, exactly as the seed's modem sent it.
/// </summary>
public static class TelemetryValues
{
    public const int MaxAxes = 63;

    public static byte[] Encode(params ReadOnlySpan<int> values)
    {
        if (values.IsEmpty || values.Length > MaxAxes) throw new ArgumentOutOfRangeException(nameof(values));
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(i * 4), values[i]);
        return data;
    }

    /// <summary>False when the length is zero or not a multiple of four.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out int[] values)
    {
        values = [];
        if (data.IsEmpty || data.Length % 4 != 0) return false;
        values = new int[data.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(data[(i * 4)..]);
        return true;
    }
}
