using System.Buffers.Binary;

namespace SimIoT.Protocol.Crypto;

/// <summary>
/// The key-derivation function in counter mode of NIST SP 800-108r1 with AES-CMAC as the
/// PRF: K(i) = PRF(KI, [i]₈ || Label || 0x00 || Context || [L]₁₆), output = K(1) || K(2) || …
/// </summary>
public static class CounterModeKdf
{
    public static byte[] Derive(ReadOnlySpan<byte> keyDerivationKey, ReadOnlySpan<byte> label, ReadOnlySpan<byte> context, int outputBytes)
    {
        if (outputBytes <= 0 || outputBytes > 255 * AesCmac.BlockSize || outputBytes * 8 > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(outputBytes));

        var input = new byte[1 + label.Length + 1 + context.Length + 2];
        label.CopyTo(input.AsSpan(1));
        input[1 + label.Length] = 0x00;
        context.CopyTo(input.AsSpan(2 + label.Length));
        BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(input.Length - 2), (ushort)(outputBytes * 8));

        var output = new byte[outputBytes];
        using var prf = new AesCmac(keyDerivationKey);
        Span<byte> block = stackalloc byte[AesCmac.BlockSize];
        for (int i = 1, offset = 0; offset < outputBytes; i++, offset += AesCmac.BlockSize)
        {
            input[0] = (byte)i;
            prf.Compute(input, block);
            block[..Math.Min(AesCmac.BlockSize, outputBytes - offset)].CopyTo(output.AsSpan(offset));
        }
        return output;
    }
}
