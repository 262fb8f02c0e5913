namespace SimIoT.Firmware.Payload;

/// <summary>
/// The binary reading of docs/mqtt.md: version 0x01, the timestamp as unsigned 64-bit
/// microseconds since 1970 (0 = stamp on arrival), then one int32 per axis, all big-endian.
/// </summary>
public static class ReadingPayload
{
    public const byte Version = 0x01;
    public const int HeaderLength = 9;

    public static byte[] Encode(long unixMicroseconds, int[] values, int count)
    {
        var payload = new byte[HeaderLength + 4 * count];
        payload[0] = Version;
        for (int i = 0; i < 8; i++) payload[1 + i] = (byte)(unixMicroseconds >> (56 - 8 * i));
        for (int axis = 0; axis < count; axis++)
        {
            int value = values[axis], at = HeaderLength + 4 * axis;
            payload[at] = (byte)(value >> 24);
            payload[at + 1] = (byte)(value >> 16);
            payload[at + 2] = (byte)(value >> 8);
            payload[at + 3] = (byte)value;
        }

        return payload;
    }
}
