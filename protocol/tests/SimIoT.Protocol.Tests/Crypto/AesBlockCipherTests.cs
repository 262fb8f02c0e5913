using SimIoT.Protocol.Crypto;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace SimIoT.Protocol.Tests.Crypto;

public class AesBlockCipherTests
{
    // FIPS 197 appendix C.1 (AES-128).
    private static readonly byte[] FipsKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private const string FipsPlaintext = "00112233445566778899aabbccddeeff";
    private const string FipsCiphertext = "69c4e0d86a7b0430d8cdb78070b4c55a";

    public static TheoryData<bool> Paths() => X86Aes.IsSupported ? new TheoryData<bool> { false, true } : new TheoryData<bool> { false };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Encrypts_the_fips_197_block(bool hardware)
    {
        using var cipher = new AesBlockCipher(FipsKey, hardware);
        var block = Convert.FromHexString(FipsPlaintext);
        cipher.EncryptBlock(block);
        Assert.Equal(FipsCiphertext, Convert.ToHexStringLower(block));

        var blocks = Convert.FromHexString(FipsPlaintext + FipsPlaintext);
        cipher.EncryptBlocks(blocks, blocks);
        Assert.Equal(FipsCiphertext + FipsCiphertext, Convert.ToHexStringLower(blocks));
    }

    [Fact]
    public void Uses_the_cpus_aes_instructions_where_there_are_some()
    {
        using var cipher = new AesBlockCipher(FipsKey);
        Assert.Equal(X86Aes.IsSupported, cipher.Hardware);
    }

    [Fact]
    public void Hardware_and_portable_paths_give_the_same_blocks_and_macs()
    {
        if (!X86Aes.IsSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => new AesBlockCipher(FipsKey, hardware: true));
            return;
        }
        var random = new Random(11);
        for (int round = 0; round < 200; round++)
        {
            var key = new byte[16];
            random.NextBytes(key);
            var message = new byte[random.Next(0, 1300)];
            random.NextBytes(message);
            int blocks = message.Length / 16 * 16;

            using var hardware = new AesBlockCipher(key, hardware: true);
            using var portable = new AesBlockCipher(key, hardware: false);
            var fast = new byte[blocks];
            var slow = new byte[blocks];
            hardware.EncryptBlocks(message.AsSpan(0, blocks), fast);
            portable.EncryptBlocks(message.AsSpan(0, blocks), slow);
            Assert.Equal(slow, fast);

            using var hardwareMac = new AesCmac(key, hardware: true);
            using var portableMac = new AesCmac(key, hardware: false);
            var fastMac = new byte[16];
            var slowMac = new byte[16];
            hardwareMac.Compute(message, fastMac);
            portableMac.Compute(message, slowMac);
            Assert.Equal(slowMac, fastMac);
        }
    }
}
