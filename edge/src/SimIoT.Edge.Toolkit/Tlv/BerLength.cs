namespace SimIoT.Edge.Toolkit.Tlv;

/// <summary>
/// BER length octets as ETSI TS 101 220 §7.1.2 restricts them: 00-7F in one byte,
/// 128-255 as 81 LL, 256-65535 as 82 HH LL. A longer form than needed is rejected.
/// </summary>
public static class BerLength
{
    public static bool TryRead(ReadOnlySpan<byte> source, out int length, out int consumed)
    {
        length = 0;
        consumed = 0;
        if (source.IsEmpty) return false;
        byte first = source[0];
        if (first < 0x80)
        {
            (length, consumed) = (first, 1);
            return true;
        }
        if (first == 0x81 && source.Length >= 2 && source[1] >= 0x80)
        {
            (length, consumed) = (source[1], 2);
            return true;
        }
        if (first == 0x82 && source.Length >= 3 && source[1] != 0)
        {
            (length, consumed) = ((source[1] << 8) | source[2], 3);
            return true;
        }
        return false;
    }

    public static int SizeOf(int length) => length switch
    {
        < 0x80 => 1,
        < 0x100 => 2,
        < 0x10000 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(length)),
    };

    public static int Write(int length, Span<byte> destination)
    {
        switch (SizeOf(length))
        {
            case 1:
                destination[0] = (byte)length;
                return 1;
            case 2:
                destination[0] = 0x81;
                destination[1] = (byte)length;
                return 2;
            default:
                destination[0] = 0x82;
                destination[1] = (byte)(length >> 8);
                destination[2] = (byte)length;
                return 3;
        }
    }
}
