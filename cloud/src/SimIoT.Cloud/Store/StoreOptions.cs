namespace SimIoT.Cloud.Store;

public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>Folder of the SQLite file (embedded profile).</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Npgsql connection string; when set the store is PostgreSQL.</summary>
    public string? Postgres { get; set; }

    /// <summary>The key-encryption key for master keys at rest, base64 (32 bytes); see <see cref="ModemKeyProtector"/>.</summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>File holding the key-encryption key (base64) when <see cref="KeyEncryptionKey"/> is not set; default &lt;DataDir&gt;/key-encryption.key.</summary>
    public string? KeyEncryptionKeyFile { get; set; }

    /// <summary>Former key-encryption keys (base64) that still open master keys while a rotation re-wraps them.</summary>
    public string[]? PreviousKeyEncryptionKeys { get; set; }

    /// <summary>Most points one write transaction takes.</summary>
    public int BatchSize { get; set; } = 5000;
}
