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

    private readonly Aes _encryptUplink;
    private readonly Aes _encryptDownlink;
    private readonly AesCmac _macUplink;
    private readonly AesCmac _macDownlink;

    public ModemKeys(ReadOnlySpan<byte> masterKey, ModemId modemId)
    {
        if (masterKey.Length != KeyLength) throw new ArgumentException("master key must be 16 bytes", nameof(masterKey));
        ModemId = modemId;
        _encryptUplink = CreateAes(DeriveKey(masterKey, modemId, EncryptUplinkLabel));
        _encryptDownlink = CreateAes(DeriveKey(masterKey, modemId, EncryptDownlinkLabel));
        _macUplink = new AesCmac(DeriveKey(masterKey, modemId, MacUplinkLabel));
        _macDownlink = new AesCmac(DeriveKey(masterKey, modemId, MacDownlinkLabel));
    }

    public ModemId ModemId { get; }

    /// <summary>One working key: SP 800-108 counter-mode KDF, AES-CMAC PRF, context = modem id.</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> masterKey, ModemId modemId, ReadOnlySpan<byte> label)
    {
        Span<byte> context = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(context, modemId.Value);
        return CounterModeKdf.Derive(masterKey, label, context, KeyLength);
    }

    internal Aes EncryptionFor(FrameDirection direction) => direction == FrameDirection.Uplink ? _encryptUplink : _encryptDownlink;

    internal AesCmac MacFor(FrameDirection direction) => direction == FrameDirection.Uplink ? _macUplink : _macDownlink;

    public void Dispose()
    {
        _encryptUplink.Dispose();
        _encryptDownlink.Dispose();
        _macUplink.Dispose();
        _macDownlink.Dispose();
    }

    private static Aes CreateAes(byte[] key)
    {
        var aes = Aes.Create();
        aes.Key = key;
        CryptographicOperations.ZeroMemory(key);
        return aes;
    }
}
