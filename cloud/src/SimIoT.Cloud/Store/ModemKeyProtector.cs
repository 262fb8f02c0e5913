using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>
/// Master keys at rest: AES-256-GCM under a key-encryption key (KEK) that never lives in the
/// database: Store:KeyEncryptionKey (configuration or the Store__KeyEncryptionKey environment
/// variable, base64), else the file Store:KeyEncryptionKeyFile, else &lt;DataDir&gt;/key-encryption.key
/// (created owner-only on first use). The modem id is the associated data, so a wrapped key
/// moved to another modem's row does not open. Store:PreviousKeyEncryptionKeys (base64) still
/// open keys during a rotation (docs/operations.md).
/// </summary>
public sealed class ModemKeyProtector
{
    private const byte Version = 1;
    private const int NonceLength = 12, TagLength = 16, IdLength = 4;
    public const int WrappedLength = 1 + IdLength + NonceLength + ModemKeys.KeyLength + TagLength;

    private readonly (uint Id, byte[] Kek) _current;
    private readonly Dictionary<uint, byte[]> _all = [];

    public ModemKeyProtector(IOptions<StoreOptions> options)
    {
        var o = options.Value;
        _current = Entry(o.KeyEncryptionKey is { Length: > 0 } text ? Decode(text, "Store:KeyEncryptionKey") : FromFile(o.KeyEncryptionKeyFile ?? Path.Combine(Path.GetFullPath(o.DataDir), "key-encryption.key"), create: o.KeyEncryptionKeyFile is null));
        _all[_current.Id] = _current.Kek;
        foreach (var previous in o.PreviousKeyEncryptionKeys ?? [])
        {
            var entry = Entry(Decode(previous, "Store:PreviousKeyEncryptionKeys"));
            _all.TryAdd(entry.Id, entry.Kek);
        }
    }

    /// <summary>A new random KEK, base64, for an operator to keep (./simiot cloud kek new).</summary>
    public static string NewKek() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public byte[] Protect(ModemId modem, byte[] key)
    {
        var blob = new byte[WrappedLength];
        blob[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(1), _current.Id);
        var nonce = blob.AsSpan(1 + IdLength, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(_current.Kek, TagLength);
        gcm.Encrypt(nonce, key, blob.AsSpan(1 + IdLength + NonceLength, key.Length), blob.AsSpan(WrappedLength - TagLength), Aad(modem));
        return blob;
    }

    /// <summary>The key, or null when the blob is not one this protector can open (wrong KEK, tampered, moved).</summary>
    public byte[]? Unprotect(ModemId modem, byte[] blob)
    {
        if (blob.Length != WrappedLength || blob[0] != Version) return null;
        if (!_all.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(1)), out var kek)) return null;
        var key = new byte[ModemKeys.KeyLength];
        using var gcm = new AesGcm(kek, TagLength);
        try
        {
            gcm.Decrypt(blob.AsSpan(1 + IdLength, NonceLength), blob.AsSpan(1 + IdLength + NonceLength, key.Length), blob.AsSpan(WrappedLength - TagLength), key, Aad(modem));
            return key;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>Whether the blob is wrapped under the current KEK (else a rotation re-wraps it).</summary>
    public bool IsCurrent(byte[] blob) => blob.Length == WrappedLength && BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(1)) == _current.Id;

    private static byte[] Aad(ModemId modem)
    {
        var aad = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(aad, modem.Value);
        return aad;
    }

    private static (uint Id, byte[] Kek) Entry(byte[] kek) => (BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(kek)), kek);

    private static byte[] Decode(string text, string what)
    {
        byte[] kek;
        try
        {
            kek = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            kek = [];
        }
        return kek.Length == 32 ? kek : throw new InvalidOperationException($"{what} must be 32 bytes in base64 (make one with: ./simiot cloud kek new)");
    }

    private static byte[] FromFile(string path, bool create)
    {
        if (!File.Exists(path))
        {
            if (!create) throw new InvalidOperationException($"the key-encryption key file {path} does not exist");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (OperatingSystem.IsWindows())
            {
                File.WriteAllText(path, NewKek());
            }
            else
            {
                using var file = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                using var writer = new StreamWriter(file);
                writer.WriteLine(NewKek());
            }
        }
        return Decode(File.ReadAllText(path), path);
    }
}
