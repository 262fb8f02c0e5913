using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SimIoT.Protocol.Crypto;
using SimIoT.Protocol.Tests.Vectors;

namespace SimIoT.Protocol.Tests.Crypto;

public class AesCmacTests
{
    [Theory]
    [MemberData(nameof(AesBlockCipherTests.Paths), MemberType = typeof(AesBlockCipherTests))]
    public void Produces_the_rfc_4493_macs(bool hardware)
    {
        var vectors = VectorFile.Read("aes-cmac.json");
        Assert.Equal(4, vectors.Count);
        foreach (var v in vectors)
        {
            using var cmac = new AesCmac(Convert.FromHexString((string)v["key"]!), hardware);
            var mac = new byte[16];
            cmac.Compute(Convert.FromHexString((string)v["message"]!), mac);
            Assert.Equal((string)v["mac"]!, Convert.ToHexStringLower(mac));
        }
    }

    [Fact]
    public void Truncated_mac_is_the_prefix_and_verifies_in_constant_time()
    {
        using var cmac = new AesCmac(Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c"));
        var mac = new byte[8];
        cmac.Compute([], mac);
        Assert.Equal("bb1d6929e9593728", Convert.ToHexStringLower(mac));
        Assert.True(cmac.Verify([], mac));
        mac[7] ^= 1;
        Assert.False(cmac.Verify([], mac));
    }

    [Property(MaxTest = 300)]
    public Property Any_changed_message_byte_changes_the_mac() =>
        Prop.ForAll(Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Where(a => a.Length > 0).ToArbitrary(), Gen.Choose(0, 2000).ToArbitrary(), (message, at) =>
        {
            using var cmac = new AesCmac(new byte[16]);
            var original = new byte[16];
            cmac.Compute(message, original);
            message[at % message.Length] ^= 0x01;
            return !cmac.Verify(message, original);
        });
}
