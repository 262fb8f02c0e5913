using System.Security.Cryptography;

namespace SimIoT.Protocol.Crypto;

/// <summary>
/// AES-CMAC (RFC 4493) on top of the AES block function only, the same construction
/// the SIM applet uses. An instance holds one key; it is not safe for concurrent use.
/// </summary>
public sealed class AesCmac : IDisposable
{
    public const int BlockSize = 16;

    private readonly AesBlockCipher _cipher;
    private readonly byte[] _k1 = new byte[BlockSize];
    private readonly byte[] _k2 = new byte[BlockSize];

    public AesCmac(ReadOnlySpan<byte> key) : this(new AesBlockCipher(key))
    {
    }

    /// <summary>The tests compare the CPU's AES instructions with the portable path.</summary>
    internal AesCmac(ReadOnlySpan<byte> key, bool hardware) : this(new AesBlockCipher(key, hardware))
    {
    }

    private AesCmac(AesBlockCipher cipher)
    {
        _cipher = cipher;

        // RFC 4493 §2.3: L = AES(K, 0^128); K1 = L·x, K2 = K1·x in GF(2^128).
        Span<byte> l = stackalloc byte[BlockSize];
        l.Clear();
        _cipher.EncryptBlock(l);
        Double(l, _k1);
        Double(_k1, _k2);
        CryptographicOperations.ZeroMemory(l);
    }

    /// <summary>Computes the full 16-byte MAC, or its first <c>mac.Length</c> bytes when shorter.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        if (mac.Length is 0 or > BlockSize) throw new ArgumentException("MAC length must be 1..16", nameof(mac));

        // CBC-MAC with a zero IV, chained by hand over the block function; the last block is
        // first mixed with K1 (complete) or 10*-padded and mixed with K2 (incomplete or empty).
        Span<byte> state = stackalloc byte[BlockSize];
        state.Clear();
        int fullBlocksBeforeLast = message.Length == 0 ? 0 : (message.Length - 1) / BlockSize;
        for (int i = 0; i < fullBlocksBeforeLast; i++)
        {
            Xor(state, message.Slice(i * BlockSize, BlockSize));
            _cipher.EncryptBlock(state);
        }

        var tail = message[(fullBlocksBeforeLast * BlockSize)..];
        Xor(state, tail);
        if (tail.Length == BlockSize)
        {
            Xor(state, _k1);
        }
        else
        {
            state[tail.Length] ^= 0x80;
            Xor(state, _k2);
        }
        _cipher.EncryptBlock(state);
        state[..mac.Length].CopyTo(mac);
    }

    /// <summary>Checks a (possibly truncated) MAC in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> mac)
    {
        if (mac.Length is 0 or > BlockSize) return false;
        Span<byte> expected = stackalloc byte[mac.Length];
        Compute(message, expected);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }

    public void Dispose()
    {
        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_k1);
        CryptographicOperations.ZeroMemory(_k2);
    }

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
        for (int i = 0; i < with.Length; i++) target[i] ^= with[i];
    }
}
