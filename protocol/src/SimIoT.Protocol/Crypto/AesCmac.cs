using System.Buffers;
using System.Security.Cryptography;

namespace SimIoT.Protocol.Crypto;

/// <summary>
/// AES-CMAC (RFC 4493) on top of the AES block function only, the same construction
/// the SIM applet uses. An instance holds one key; it is not safe for concurrent use.
/// </summary>
public sealed class AesCmac : IDisposable
{
    public const int BlockSize = 16;
    private const int StackLimit = 1280;

    private readonly Aes _aes;
    private readonly byte[] _k1 = new byte[BlockSize];
    private readonly byte[] _k2 = new byte[BlockSize];
    private readonly byte[] _zeroIv = new byte[BlockSize];

    public AesCmac(ReadOnlySpan<byte> key)
    {
        if (key.Length != BlockSize) throw new ArgumentException("AES-128 key must be 16 bytes", nameof(key));
        _aes = Aes.Create();
        _aes.Key = key.ToArray();

        // RFC 4493 §2.3: L = AES(K, 0^128); K1 = L·x, K2 = K1·x in GF(2^128).
        Span<byte> l = stackalloc byte[BlockSize];
        _aes.EncryptEcb(new byte[BlockSize], l, PaddingMode.None);
        Double(l, _k1);
        Double(_k1, _k2);
        CryptographicOperations.ZeroMemory(l);
    }

    /// <summary>The AES block cipher under this key, for callers that build other modes (CTR) on it.</summary>
    internal Aes Cipher => _aes;

    /// <summary>Computes the full 16-byte MAC, or its first <c>mac.Length</c> bytes when shorter.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        if (mac.Length is 0 or > BlockSize) throw new ArgumentException("MAC length must be 1..16", nameof(mac));

        int blocks = Math.Max(1, (message.Length + BlockSize - 1) / BlockSize);
        int length = blocks * BlockSize;
        byte[]? rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length * 2) : null;
        Span<byte> scratch = rented is null ? stackalloc byte[length * 2] : rented.AsSpan(0, length * 2);
        var input = scratch[..length];
        var output = scratch[length..];

        message.CopyTo(input);
        var last = input[(length - BlockSize)..];
        if (message.Length == length)
        {
            Xor(last, _k1);
        }
        else
        {
            // 10* padding of an incomplete (or empty) final block, then K2.
            input[message.Length..].Clear();
            input[message.Length] = 0x80;
            Xor(last, _k2);
        }

        // CBC with a zero IV over the prepared blocks: the last ciphertext block is the MAC.
        _aes.EncryptCbc(input, _zeroIv, output, PaddingMode.None);
        output.Slice(length - BlockSize, mac.Length).CopyTo(mac);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Checks a (possibly truncated) MAC in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> mac)
    {
        if (mac.Length is 0 or > BlockSize) return false;
        Span<byte> expected = stackalloc byte[mac.Length];
        Compute(message, expected);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    public void Dispose() => _aes.Dispose();

    private static void Double(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int carry = 0;
        for (int i = BlockSize - 1; i >= 0; i--)
        {
            int b = input[i];
            output[i] = (byte)((b << 1) | carry);
            carry = b >> 7;
        }
        if ((input[0] & 0x80) != 0) output[BlockSize - 1] ^= 0x87;
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> with)
    {
        for (int i = 0; i < target.Length; i++) target[i] ^= with[i];
    }
}
