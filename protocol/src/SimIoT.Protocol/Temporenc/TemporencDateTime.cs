using System.Buffers.Binary;

namespace SimIoT.Protocol.Temporenc;

/// <summary>
/// A temporenc DTS value (date + time + sub-second, no zone). Every date and time
/// component may be missing, as the temporenc specification allows; the fraction is
/// counted in units of <see cref="Precision"/> (0 when the precision is None).
/// </summary>
public readonly record struct TemporencDateTime
{
    // Field widths and "missing" sentinels from the temporenc specification.
    private const int YearMissing = 4095, MonthMissing = 15, DayMissing = 31;
    private const int HourMissing = 31, MinuteMissing = 63, SecondMissing = 63;
    private const int TypeTag = 0b01;

    public int? Year { get; }
    public int? Month { get; }
    public int? Day { get; }
    public int? Hour { get; }
    public int? Minute { get; }
    public int? Second { get; }
    public TemporencPrecision Precision { get; }
    public int Fraction { get; }

    /// <exception cref="ArgumentOutOfRangeException">a component outside the range the encoding can hold.</exception>
    public TemporencDateTime(int? year, int? month, int? day, int? hour, int? minute, int? second,
        TemporencPrecision precision = TemporencPrecision.Microsecond, int fraction = 0)
    {
        if (!InRange(year, 0, 4094)) throw new ArgumentOutOfRangeException(nameof(year));
        if (!InRange(month, 1, 12)) throw new ArgumentOutOfRangeException(nameof(month));
        if (!InRange(day, 1, 31)) throw new ArgumentOutOfRangeException(nameof(day));
        if (!InRange(hour, 0, 23)) throw new ArgumentOutOfRangeException(nameof(hour));
        if (!InRange(minute, 0, 59)) throw new ArgumentOutOfRangeException(nameof(minute));
        if (!InRange(second, 0, 60)) throw new ArgumentOutOfRangeException(nameof(second));
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision));
        if (fraction < 0 || fraction > MaxFraction(precision)) throw new ArgumentOutOfRangeException(nameof(fraction));
        (Year, Month, Day, Hour, Minute, Second, Precision, Fraction) = (year, month, day, hour, minute, second, precision, fraction);
    }

    /// <summary>The value of a <see cref="DateTime"/>, truncated to <paramref name="precision"/>.</summary>
    public static TemporencDateTime FromDateTime(DateTime value, TemporencPrecision precision = TemporencPrecision.Microsecond)
    {
        long subTicks = value.Ticks % TimeSpan.TicksPerSecond;
        int fraction = precision switch
        {
            TemporencPrecision.Millisecond => (int)(subTicks / TimeSpan.TicksPerMillisecond),
            TemporencPrecision.Microsecond => (int)(subTicks / TimeSpan.TicksPerMicrosecond),
            TemporencPrecision.Nanosecond => (int)(subTicks * TimeSpan.NanosecondsPerTick),
            _ => 0,
        };
        return new TemporencDateTime(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second, precision, fraction);
    }

    /// <summary>Bytes this value takes when encoded: 7, 8, 9 or 6 for ms, µs, ns, none.</summary>
    public int EncodedLength => LengthOf(Precision);

    public static int LengthOf(TemporencPrecision precision) => precision switch
    {
        TemporencPrecision.Millisecond => 7,
        TemporencPrecision.Microsecond => 8,
        TemporencPrecision.Nanosecond => 9,
        _ => 6,
    };

    /// <summary>A calendar instant, when every component is present and forms a real date and time (no leap second).</summary>
    public bool TryGetDateTime(out DateTime value)
    {
        value = default;
        if (Year is not { } y || Month is not { } mo || Day is not { } d || Hour is not { } h || Minute is not { } mi || Second is not { } s)
            return false;
        if (y < 1 || s > 59 || d > DateTime.DaysInMonth(y, mo))
            return false;
        long fractionTicks = Precision switch
        {
            TemporencPrecision.Millisecond => Fraction * TimeSpan.TicksPerMillisecond,
            TemporencPrecision.Microsecond => Fraction * TimeSpan.TicksPerMicrosecond,
            TemporencPrecision.Nanosecond => Fraction / TimeSpan.NanosecondsPerTick,
            _ => 0,
        };
        value = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc).AddTicks(fractionTicks);
        return true;
    }

    /// <summary>Writes the encoding; returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException">the destination is shorter than <see cref="EncodedLength"/>.</exception>
    public int WriteTo(Span<byte> destination)
    {
        int length = EncodedLength;
        if (destination.Length < length) throw new ArgumentException("destination too short", nameof(destination));

        uint year = (uint)(Year ?? YearMissing), month = (uint)(Month is { } m ? m - 1 : MonthMissing), day = (uint)(Day is { } d ? d - 1 : DayMissing);
        uint hour = (uint)(Hour ?? HourMissing), minute = (uint)(Minute ?? MinuteMissing), second = (uint)(Second ?? SecondMissing);
        ulong date = (year << 9) | (month << 5) | day;
        ulong time = (hour << 12) | (minute << 6) | second;
        int fractionBits = FractionBits(Precision);
        int totalBits = length * 8;
        UInt128 bits = ((UInt128)(ulong)TypeTag << 2) | (byte)Precision;
        bits = (bits << 21) | (UInt128)date;
        bits = (bits << 17) | (UInt128)time;
        bits = (bits << fractionBits) | (UInt128)(uint)Fraction;
        bits <<= totalBits - (4 + 21 + 17 + fractionBits);

        Span<byte> wide = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(wide, bits);
        wide[(16 - length)..].CopyTo(destination);
        return length;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Reads a DTS value from the start of <paramref name="source"/>; never throws on bad input.</summary>
    public static TemporencError TryRead(ReadOnlySpan<byte> source, out TemporencDateTime value, out int bytesRead)
    {
        value = default;
        bytesRead = 0;
        if (source.IsEmpty) return TemporencError.Truncated;
        if (source[0] >> 6 != TypeTag) return TemporencError.NotDateTimeSubsecond;

        var precision = (TemporencPrecision)((source[0] >> 4) & 0b11);
        int length = LengthOf(precision);
        if (source.Length < length) return TemporencError.Truncated;

        Span<byte> wide = stackalloc byte[16];
        wide.Clear();
        source[..length].CopyTo(wide[(16 - length)..]);
        UInt128 bits = BinaryPrimitives.ReadUInt128BigEndian(wide);

        int fractionBits = FractionBits(precision);
        int padding = length * 8 - (4 + 21 + 17 + fractionBits);
        if ((bits & ((UInt128.One << padding) - 1)) != 0) return TemporencError.NonZeroPadding;
        bits >>= padding;
        int fraction = (int)(ulong)(bits & ((UInt128.One << fractionBits) - 1));
        bits >>= fractionBits;
        int time = (int)(ulong)(bits & 0x1FFFF);
        bits >>= 17;
        int date = (int)(ulong)(bits & 0x1FFFFF);

        int year = date >> 9, month = (date >> 5) & 0xF, day = date & 0x1F;
        int hour = time >> 12, minute = (time >> 6) & 0x3F, second = time & 0x3F;
        if ((month > 11 && month != MonthMissing) || (hour > 23 && hour != HourMissing)
            || (minute > 59 && minute != MinuteMissing) || (second > 60 && second != SecondMissing)
            || fraction > MaxFraction(precision))
            return TemporencError.FieldOutOfRange;

        value = new TemporencDateTime(
            year == YearMissing ? null : year,
            month == MonthMissing ? null : month + 1,
            day == DayMissing ? null : day + 1,
            hour == HourMissing ? null : hour,
            minute == MinuteMissing ? null : minute,
            second == SecondMissing ? null : second,
            precision, fraction);
        bytesRead = length;
        return TemporencError.None;
    }

    public override string ToString()
    {
        static string Part(int? v, int width) => v is { } x ? x.ToString($"D{width}", System.Globalization.CultureInfo.InvariantCulture) : new string('?', width);
        string fraction = Precision switch
        {
            TemporencPrecision.Millisecond => "." + Fraction.ToString("D3", System.Globalization.CultureInfo.InvariantCulture),
            TemporencPrecision.Microsecond => "." + Fraction.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
            TemporencPrecision.Nanosecond => "." + Fraction.ToString("D9", System.Globalization.CultureInfo.InvariantCulture),
            _ => "",
        };
        return $"{Part(Year, 4)}-{Part(Month, 2)}-{Part(Day, 2)}T{Part(Hour, 2)}:{Part(Minute, 2)}:{Part(Second, 2)}{fraction}";
    }

    private static bool InRange(int? value, int min, int max) => value is not { } v || (v >= min && v <= max);

    private static int FractionBits(TemporencPrecision precision) => precision switch
    {
        TemporencPrecision.Millisecond => 10,
        TemporencPrecision.Microsecond => 20,
        TemporencPrecision.Nanosecond => 30,
        _ => 0,
    };

    private static int MaxFraction(TemporencPrecision precision) => precision switch
    {
        TemporencPrecision.Millisecond => 999,
        TemporencPrecision.Microsecond => 999_999,
        TemporencPrecision.Nanosecond => 999_999_999,
        _ => 0,
    };
}
