using System.Runtime.Intrinsics;
using Sse2 = System.Runtime.Intrinsics.X86.Sse2;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace SimIoT.Protocol.Crypto;

/// <summary>
/// The raw AES-128 block function under one key. Where the CPU has AES instructions (x86 AES-NI)
/// it runs them directly on an expanded key: the gateway encrypts two to four blocks per frame, and
/// a call into OpenSSL per block cost more than the AES itself (docs/performance.md, "Ingest CPU
/// per datagram"). Elsewhere it keeps a live ECB transform: the one-shot Aes APIs set up a native
/// cipher context per call, which costs more than encrypting a 64-byte frame. Not safe for concurrent use.
/// </summary>
internal sealed class AesBlockCipher : IDisposable
{
    public const int BlockSize = 16;
    private const int Rounds = 10;
    private const int ScratchBlocks = 80; // 1280 bytes: a whole frame's counter blocks in one call

    // Hardware path: the 11 round keys of AES-128.
    private readonly Vector128<byte>[]? _roundKeys;

    // Portable path (no AES instructions, or asked for by the tests to compare both).
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[]? _in;
    private readonly byte[]? _out;

    public AesBlockCipher(ReadOnlySpan<byte> key) : this(key, X86Aes.IsSupported)
    {
    }

    /// <param name="hardware">Use the CPU's AES instructions; only when <see cref="X86Aes.IsSupported"/>.</param>
    internal AesBlockCipher(ReadOnlySpan<byte> key, bool hardware)
    {
        if (key.Length != BlockSize) throw new ArgumentException("AES-128 key must be 16 bytes", nameof(key));
        if (hardware && !X86Aes.IsSupported) throw new PlatformNotSupportedException("no AES instructions on this CPU");
        if (hardware)
        {
            _roundKeys = ExpandKey(key);
            return;
        }
        _aes = Aes.Create();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _aes.Key = key.ToArray();
        _ecb = _aes.CreateEncryptor();
        _in = new byte[ScratchBlocks * BlockSize];
        _out = new byte[ScratchBlocks * BlockSize];
    }

    /// <summary>True when this instance runs the CPU's AES instructions.</summary>
    internal bool Hardware => _roundKeys is not null;

    /// <summary>Encrypts whole blocks independently (ECB); input and output may be the same span.</summary>
    public void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length % BlockSize != 0) throw new ArgumentException("whole blocks only", nameof(input));
        if (output.Length < input.Length) throw new ArgumentException("output too short", nameof(output));
        if (_roundKeys is { } keys)
        {
            for (int offset = 0; offset < input.Length; offset += BlockSize)
                Encrypt(keys, Vector128.Create(input.Slice(offset, BlockSize))).CopyTo(output.Slice(offset, BlockSize));
            return;
        }
        byte[] scratchIn = _in!, scratchOut = _out!;
        for (int offset = 0; offset < input.Length; offset += scratchIn.Length)
        {
            int count = Math.Min(scratchIn.Length, input.Length - offset);
            input.Slice(offset, count).CopyTo(scratchIn);
            _ecb!.TransformBlock(scratchIn, 0, count, scratchOut, 0);
            scratchOut.AsSpan(0, count).CopyTo(output[offset..]);
        }
    }

    /// <summary>Encrypts one block in place.</summary>
    public void EncryptBlock(Span<byte> block)
    {
        if (block.Length != BlockSize) throw new ArgumentException("one block", nameof(block));
        if (_roundKeys is { } keys)
        {
            Encrypt(keys, Vector128.Create((ReadOnlySpan<byte>)block)).CopyTo(block);
            return;
        }
        block.CopyTo(_in);
        _ecb!.TransformBlock(_in!, 0, BlockSize, _out!, 0);
        _out!.AsSpan(0, BlockSize).CopyTo(block);
    }

    public void Dispose()
    {
        if (_roundKeys is not null) Array.Clear(_roundKeys);
        _ecb?.Dispose();
        _aes?.Dispose();
        if (_in is not null) CryptographicOperations.ZeroMemory(_in);
        if (_out is not null) CryptographicOperations.ZeroMemory(_out);
    }

    private static Vector128<byte> Encrypt(Vector128<byte>[] keys, Vector128<byte> state)
    {
        state ^= keys[0];
        for (int round = 1; round < Rounds; round++) state = X86Aes.Encrypt(state, keys[round]);
        return X86Aes.EncryptLast(state, keys[Rounds]);
    }

    // FIPS 197 §5.2 key expansion with AESKEYGENASSIST; its round constant must be an immediate.
    private static Vector128<byte>[] ExpandKey(ReadOnlySpan<byte> key)
    {
        var keys = new Vector128<byte>[Rounds + 1];
        keys[0] = Vector128.Create(key);
        keys[1] = NextRoundKey(keys[0], X86Aes.KeygenAssist(keys[0], 0x01));
        keys[2] = NextRoundKey(keys[1], X86Aes.KeygenAssist(keys[1], 0x02));
        keys[3] = NextRoundKey(keys[2], X86Aes.KeygenAssist(keys[2], 0x04));
        keys[4] = NextRoundKey(keys[3], X86Aes.KeygenAssist(keys[3], 0x08));
        keys[5] = NextRoundKey(keys[4], X86Aes.KeygenAssist(keys[4], 0x10));
        keys[6] = NextRoundKey(keys[5], X86Aes.KeygenAssist(keys[5], 0x20));
        keys[7] = NextRoundKey(keys[6], X86Aes.KeygenAssist(keys[6], 0x40));
        keys[8] = NextRoundKey(keys[7], X86Aes.KeygenAssist(keys[7], 0x80));
        keys[9] = NextRoundKey(keys[8], X86Aes.KeygenAssist(keys[8], 0x1b));
        keys[10] = NextRoundKey(keys[9], X86Aes.KeygenAssist(keys[9], 0x36));
        return keys;
    }

    // w[i] = w[i-1] ^ w[i-4] chained over the four words, the first one mixed with
    // SubWord(RotWord(last word of the previous key)) ^ rcon, which AESKEYGENASSIST leaves in its top word.
    private static Vector128<byte> NextRoundKey(Vector128<byte> previous, Vector128<byte> assist)
    {
        var t = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        var k = previous;
        k ^= Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= Sse2.ShiftLeftLogical128BitLane(k, 4);
        k ^= Sse2.ShiftLeftLogical128BitLane(k, 4);
        return k ^ t;
    }
}
