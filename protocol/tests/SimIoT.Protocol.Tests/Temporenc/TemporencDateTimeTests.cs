using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SimIoT.Protocol.Temporenc;
using SimIoT.Protocol.Tests.Vectors;

namespace SimIoT.Protocol.Tests.Temporenc;

public class TemporencDateTimeTests
{
    // The examples printed in the temporenc specification (temporenc.org, type DTS).
    [Theory]
    [InlineData(TemporencPrecision.Millisecond, 123, "47bf07499307b0")]
    [InlineData(TemporencPrecision.Microsecond, 123456, "57bf074993078900")]
    [InlineData(TemporencPrecision.Nanosecond, 123456789, "67bf0749930 75bcd15")]
    public void Encodes_the_specification_examples(TemporencPrecision precision, int fraction, string hex)
    {
        var value = new TemporencDateTime(1983, 1, 15, 18, 25, 12, precision, fraction);
        Assert.Equal(hex.Replace(" ", ""), Convert.ToHexStringLower(value.ToArray()));
        Assert.Equal(TemporencError.None, TemporencDateTime.TryRead(value.ToArray(), out var back, out int read));
        Assert.Equal(value, back);
        Assert.Equal(hex.Replace(" ", "").Length / 2, read);
    }

    [Fact]
    public void Missing_components_use_the_specification_sentinels()
    {
        var missing = new TemporencDateTime(null, null, null, null, null, null, TemporencPrecision.Microsecond);
        Assert.Equal("5fffffffffc00000", Convert.ToHexStringLower(missing.ToArray()));
        Assert.False(missing.TryGetDateTime(out _));
        Assert.Equal("????-??-??T??:??:??.000000", missing.ToString());
    }

    [Fact]
    public void Every_vector_file_entry_decodes_to_its_fields_and_encodes_back()
    {
        foreach (var v in VectorFile.Read("temporenc.json"))
        {
            var bytes = Convert.FromHexString((string)v["hex"]!);
            Assert.Equal(TemporencError.None, TemporencDateTime.TryRead(bytes, out var value, out int read));
            Assert.Equal(bytes.Length, read);
            Assert.Equal((string)v["precision"]!, VectorSets.PrecisionName(value.Precision));
            Assert.Equal((int?)v["year"], value.Year);
            Assert.Equal((int?)v["month"], value.Month);
            Assert.Equal((int?)v["day"], value.Day);
            Assert.Equal((int?)v["hour"], value.Hour);
            Assert.Equal((int?)v["minute"], value.Minute);
            Assert.Equal((int?)v["second"], value.Second);
            Assert.Equal((int?)v["fraction"] ?? 0, value.Fraction);
            Assert.Equal(bytes, value.ToArray());
        }
    }

    [Theory]
    [InlineData("", TemporencError.Truncated)]
    [InlineData("57bf0749930789", TemporencError.Truncated)]
    [InlineData("8f7e0e", TemporencError.NotDateTimeSubsecond)]
    [InlineData("1efc1d264c", TemporencError.NotDateTimeSubsecond)]
    [InlineData("57bf074993078901", TemporencError.NonZeroPadding)]
    [InlineData("57bfc74993078900", TemporencError.FieldOutOfRange)]
    [InlineData("57bf0749933ffffc", TemporencError.FieldOutOfRange)]
    public void Rejects_malformed_bytes_with_a_reason(string hex, TemporencError expected)
    {
        Assert.Equal(expected, TemporencDateTime.TryRead(Convert.FromHexString(hex), out _, out int read));
        Assert.Equal(0, read);
    }

    [Property(MaxTest = 500)]
    public Property Round_trips_every_valid_value_at_every_precision() =>
        Prop.ForAll(Arbitraries.TemporencValue(), value =>
        {
            var bytes = value.ToArray();
            return TemporencDateTime.TryRead(bytes, out var back, out int read) == TemporencError.None
                && read == value.EncodedLength && back == value;
        });

    /// <summary>An independent bit packer (the specification's formula over a BigInteger) agrees with the encoder.</summary>
    [Property(MaxTest = 500)]
    public Property Matches_an_independent_bit_packer() =>
        Prop.ForAll(Arbitraries.TemporencValue(), value =>
        {
            var (bits, pad) = value.Precision switch
            {
                TemporencPrecision.Millisecond => (10, 4),
                TemporencPrecision.Microsecond => (20, 2),
                TemporencPrecision.Nanosecond => (30, 0),
                _ => (0, 6),
            };
            BigInteger d = ((BigInteger)(value.Year ?? 4095) << 9) | ((value.Month is { } m ? m - 1 : 15) << 5) | (value.Day is { } dd ? dd - 1 : 31);
            BigInteger t = ((value.Hour ?? 31) << 12) | ((value.Minute ?? 63) << 6) | (value.Second ?? 63);
            BigInteger all = (((((((BigInteger)0b01 << 2) | (int)value.Precision) << 21 | d) << 17 | t) << bits) | value.Fraction) << pad;
            var expected = all.ToByteArray(isUnsigned: true, isBigEndian: true);
            var padded = new byte[value.EncodedLength];
            expected.CopyTo(padded, padded.Length - expected.Length);
            return padded.AsSpan().SequenceEqual(value.ToArray());
        });

    [Property(MaxTest = 500)]
    public Property Byte_order_is_chronological_order() =>
        Prop.ForAll(Arbitraries.Instant(), Arbitraries.Instant(), (a, b) =>
        {
            var ea = TemporencDateTime.FromDateTime(a).ToArray();
            var eb = TemporencDateTime.FromDateTime(b).ToArray();
            return Math.Sign(ea.AsSpan().SequenceCompareTo(eb)) == Math.Sign(a.CompareTo(b));
        });

    [Property(MaxTest = 2000)]
    public bool Never_throws_on_random_bytes(byte[] bytes)
    {
        var error = TemporencDateTime.TryRead(bytes, out var value, out int read);
        return error == TemporencError.None ? read == value.EncodedLength : read == 0;
    }
}
