using System.Security.Cryptography;

namespace SimIoT.Protocol.Crypto;

/// <summary>
/// The raw AES-128 block function under one key, kept as a live ECB transform: the
/// one-shot Aes APIs set up a native cipher context per call, which costs more than
/// encrypting a 64-byte frame. Not safe for concurrent use.
/// </summary>
internal sealed class AesBlockCipher : IDisposable
{
    public const int BlockSize = 16;
    private const int ScratchBlocks = 80; // 1280 bytes: a whole frame's counter blocks in one call

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _in = new byte[ScratchBlocks * BlockSize];
    private readonly byte[] _out = new byte[ScratchBlocks * BlockSize];

    public AesBlockCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length != BlockSize) throw new ArgumentException("AES-128 key must be 16 bytes", nameof(key));
        _aes = Aes.Create();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _aes.Key = key.ToArray();
        _ecb = _aes.CreateEncryptor();
    }

    /// <summary>Encrypts whole blocks independently (ECB); input and output may be the same span.</summary>
    public void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output)
    {
        for (int offset = 0; offset < input.Length; offset += _in.Length)
        {
            int count = Math.Min(_in.Length, input.Length - offset);
            input.Slice(offset, count).CopyTo(_in);
            _ecb.TransformBlock(_in, 0, count, _out, 0);
            _out.AsSpan(0, count).CopyTo(output[offset..]);
        }
    }

    /// <summary>Encrypts one block in place.</summary>
    public void EncryptBlock(Span<byte> block)
    {
        block.CopyTo(_in);
        _ecb.TransformBlock(_in, 0, BlockSize, _out, 0);
        _out.AsSpan(0, BlockSize).CopyTo(block);
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_in);
        CryptographicOperations.ZeroMemory(_out);
    }
}
