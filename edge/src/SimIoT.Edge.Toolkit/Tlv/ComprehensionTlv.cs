namespace SimIoT.Edge.Toolkit.Tlv;

/// <summary>
/// One COMPREHENSION-TLV data object (ETSI TS 101 220 §7.1.1). <see cref="Tag"/> has the
/// comprehension-required bit masked off, so 0x01 and 0x81 are both Command Details.
/// </summary>
public readonly record struct ComprehensionTlv(int Tag, bool ComprehensionRequired, ReadOnlyMemory<byte> Value)
{
    /// <summary>
    /// Splits a sequence of data objects. False when any object is malformed or the
    /// bytes do not end exactly on an object boundary.
    /// </summary>
    public static bool TryReadAll(ReadOnlyMemory<byte> data, List<ComprehensionTlv> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        int offset = 0;
        var span = data.Span;
        while (offset < span.Length)
        {
            int tag;
            bool cr;
            byte first = span[offset];
            if (first is 0x00 or 0x80 or 0xFF) return false;
            if (first == 0x7F)
            {
                // Three-byte tag: 7F, then CR + 15-bit tag value.
                if (offset + 3 > span.Length) return false;
                cr = (span[offset + 1] & 0x80) != 0;
                tag = ((span[offset + 1] & 0x7F) << 8) | span[offset + 2];
                offset += 3;
            }
            else
            {
                cr = (first & 0x80) != 0;
                tag = first & 0x7F;
                offset += 1;
            }
            if (!BerLength.TryRead(span[offset..], out int length, out int consumed)) return false;
            offset += consumed;
            if (offset + length > span.Length) return false;
            objects.Add(new ComprehensionTlv(tag, cr, data.Slice(offset, length)));
            offset += length;
        }
        return true;
    }
}
