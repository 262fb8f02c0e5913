namespace SimIoT.Edge.Toolkit.Commands;

/// <summary>
/// The timer value object (ETSI TS 102 223 §8.38): hours, minutes and seconds, each one byte
/// of swapped-nibble BCD ("semi-octets", as in SMS timestamps): 30 seconds is 0x03.
/// </summary>
public static class TimerValue
{
    public static bool TryRead(ReadOnlySpan<byte> value, out TimeSpan duration)
    {
        duration = default;
        if (value.Length != 3) return false;
        if (!TryDigits(value[0], out int h) || !TryDigits(value[1], out int m) || !TryDigits(value[2], out int s) || m > 59 || s > 59)
            return false;
        duration = new TimeSpan(h, m, s);
        return true;
    }

    public static byte[] Encode(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero || duration >= TimeSpan.FromHours(100)) throw new ArgumentOutOfRangeException(nameof(duration));
        return [Semi((int)duration.TotalHours), Semi(duration.Minutes), Semi(duration.Seconds)];
    }

    private static byte Semi(int value) => (byte)(((value % 10) << 4) | (value / 10));

    private static bool TryDigits(byte b, out int value)
    {
        int tens = b & 0x0F, units = b >> 4;
        value = tens * 10 + units;
        return tens <= 9 && units <= 9;
    }
}
