using System.Buffers.Binary;
using System.Security.Cryptography;
using SimIoT.Protocol.Crypto;

namespace SimIoT.Protocol.V2;

/// <summary>
/// The four working keys of one modem, derived from its master key (docs/protocol.md, "Keys").
/// Holds keyed AES instances so sealing and opening do no key setup; not safe for concurrent use.
/// </summary>
public sealed class ModemKeys : IDisposable
{
    public const int KeyLength = 16;

    public static ReadOnlySpan<byte> EncryptUplinkLabel => "ENCU"u8;
    public static ReadOnlySpan<byte> MacUplinkLabel => "MACU"u8;
    public static ReadOnlySpan<byte> EncryptDownlinkLabel => "ENCD"u8;
    public static ReadOnlySpan<byte> MacDownlinkLabel => "MACD"u8;

    private readonly AesBlockCipher _encryptUplink;
    private readonly AesBlockCipher _encryptDownlink;
    private readonly AesCmac _macUplink;
    private readonly AesCmac _macDownlink;

    public ModemKeys(ReadOnlySpan<byte> masterKey, ModemId modemId)
    {
        if (masterKey.Length != KeyLength) throw new ArgumentException("master key must be 16 bytes", nameof(masterKey));
        ModemId = modemId;
        _encryptUplink = WithKey(DeriveKey(masterKey, modemId, EncryptUplinkLabel), k => new AesBlockCipher(k));
        _encryptDownlink = WithKey(DeriveKey(masterKey, modemId, EncryptDownlinkLabel), k => new AesBlockCipher(k));
        _macUplink = WithKey(DeriveKey(masterKey, modemId, MacUplinkLabel), k => new AesCmac(k));
        _macDownlink = WithKey(DeriveKey(masterKey, modemId, MacDownlinkLabel), k => new AesCmac(k));
    }

    public ModemId ModemId { get; }

    /// <summary>One working key: SP 800-108 counter-mode KDF, AES-CMAC PRF, context = modem id.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> masterKey, ModemId modemId, ReadOnlySpan<byte> label)
    {
        Span<byte> context = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(context, modemId.Value);
        return CounterModeKdf.Derive(masterKey, label, context, KeyLength);
    }

    internal AesBlockCipher EncryptionFor(FrameDirection direction) => direction == FrameDirection.Uplink ? _encryptUplink : _encryptDownlink;

    internal AesCmac MacFor(FrameDirection direction) => direction == FrameDirection.Uplink ? _macUplink : _macDownlink;

    public void Dispose()
    {
        _encryptUplink.Dispose();
        _encryptDownlink.Dispose();
        _macUplink.Dispose();
        _macDownlink.Dispose();
    }

    // The cipher keeps its own copy of the key; ours is wiped as soon as it is handed over.
    private static T WithKey<T>(byte[] key, Func<byte[], T> create)
    {
        try
        {
            return create(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
