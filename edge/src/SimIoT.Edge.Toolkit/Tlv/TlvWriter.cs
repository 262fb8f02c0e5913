using System.Buffers;

namespace SimIoT.Edge.Toolkit.Tlv;

/// <summary>Builds TLV-encoded toolkit messages; single-byte tags, as every object SimIoT uses has one.</summary>
public sealed class TlvWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64);

    public int Length => _buffer.WrittenCount;

    public TlvWriter Add(int tag, ReadOnlySpan<byte> value)
    {
        if (tag is <= 0 or > 0xFF) throw new ArgumentOutOfRangeException(nameof(tag));
        var span = _buffer.GetSpan(1 + BerLength.SizeOf(value.Length) + value.Length);
        span[0] = (byte)tag;
        int n = 1 + BerLength.Write(value.Length, span[1..]);
        value.CopyTo(span[n..]);
        _buffer.Advance(n + value.Length);
        return this;
    }

    public TlvWriter Add(int tag, params byte[] value) => Add(tag, value.AsSpan());

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Wraps everything written so far in a BER-TLV template (D0, D6, D7...).</summary>
    public byte[] ToTemplate(byte templateTag)
    {
        var body = _buffer.WrittenSpan;
        var result = new byte[1 + BerLength.SizeOf(body.Length) + body.Length];
        result[0] = templateTag;
        int n = 1 + BerLength.Write(body.Length, result.AsSpan(1));
        body.CopyTo(result.AsSpan(n));
        return result;
    }
}
