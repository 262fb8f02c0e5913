using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SimIoT.Edge.Toolkit.Commands;
using SimIoT.Edge.Toolkit.Tlv;

namespace SimIoT.Edge.Toolkit.Tests;

public class TlvRobustnessTests
{
    [Theory]
    [InlineData("7F", 0x7F, 1)]
    [InlineData("8180", 0x80, 2)]
    [InlineData("81FF", 0xFF, 2)]
    [InlineData("820100", 0x100, 3)]
    public void Reads_ber_lengths(string hex, int length, int consumed)
    {
        Assert.True(BerLength.TryRead(Convert.FromHexString(hex), out int l, out int c));
        Assert.Equal((length, consumed), (l, c));
        var written = new byte[3];
        Assert.Equal(consumed, BerLength.Write(length, written));
        Assert.Equal(hex, Convert.ToHexString(written, 0, consumed));
    }

    [Theory]
    [InlineData("817F")] // a one-byte length written long
    [InlineData("8200FF")] // leading zero after 82
    [InlineData("83010000")]
    [InlineData("81")]
    public void Rejects_non_minimal_or_truncated_lengths(string hex) =>
        Assert.False(BerLength.TryRead(Convert.FromHexString(hex), out _, out _));

    [Fact]
    public void Reads_three_byte_tags_and_masks_the_cr_bit()
    {
        var objects = new List<ComprehensionTlv>();
        Assert.True(ComprehensionTlv.TryReadAll(Convert.FromHexString("8103014001" + "7F8001" + "01AA"), objects));
        Assert.Equal(2, objects.Count);
        Assert.Equal((0x01, true), (objects[0].Tag, objects[0].ComprehensionRequired));
        Assert.Equal((0x0001, true), (objects[1].Tag, objects[1].ComprehensionRequired));
    }

    [Property(MaxTest = 300)]
    public Property Written_objects_read_back() =>
        Prop.ForAll(Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(
            from tag in Gen.Choose(1, 0x7E)
            from length in Gen.Frequency((4, Gen.Choose(0, 127)), (1, Gen.Choose(128, 400)))
            select (tag, new byte[length]), n)).ToArbitrary(), items =>
        {
            var writer = new TlvWriter();
            foreach (var (tag, value) in items) writer.Add(tag, value);
            var objects = new List<ComprehensionTlv>();
            return ComprehensionTlv.TryReadAll(writer.ToArray(), objects)
                && objects.Select(o => (o.Tag, o.Value.Length)).SequenceEqual(items.Select(i => (i.tag, i.Item2.Length)));
        });

    [Property(MaxTest = 3000)]
    public bool Random_bytes_never_throw(byte[] bytes)
    {
        if (bytes.Length > 0) bytes[0] = 0xD0;
        if (ProactiveCommand.TryParse(bytes, out var command, out _))
        {
            OpenChannelParameters.TryRead(command, out _, out _);
            return command.CommandDetails.Length == 3;
        }
        return true;
    }
}
