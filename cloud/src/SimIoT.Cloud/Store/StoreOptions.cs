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

    /// <summary>
    /// May create an empty SQLite store when the file is missing (--init). Off, a missing file
    /// stops the start: a mistyped path or a lost volume must not look like an empty fleet.
    /// </summary>
    public bool Init { get; set; }

    /// <summary>
    /// Most points one write transaction takes. The sink writes what has gathered, so batches are
    /// small at a low rate and grow only while the store is behind. A large ceiling is what lets it
    /// catch up: readings from 1,000 modems land at 1,000 places in the unique index, and each commit
    /// writes every index page it touched to the WAL, so the bytes written per reading fall as the
    /// batch grows (at 5,000 the SQLite sink fell behind 50,000 readings/s and the gateway shed).
    /// </summary>
    public int BatchSize { get; set; } = 50_000;

    /// <summary>
    /// How long the sink lets a batch gather after the first point arrives: one transaction and
    /// one wake-up for many readings instead of one each (acks wait for it too). Zero: write at once.
    /// </summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Points the sink may hold unwritten; above it the gateway sheds new frames (they are not acked, the edge resends).</summary>
    public int MaxPendingPoints { get; set; } = 200_000;

    /// <summary>
    /// SQLite's page cache for the store's connection, in MiB (SQLite's default is 2). Readings go
    /// into the unique index at 1,000 modems' places at once; with 2 MiB nearly every insert read its
    /// index pages back from the file (pread per page), and the sink fell behind the gateway.
    /// </summary>
    public int SqliteCacheMiB { get; set; } = 64;

    /// <summary>Longest wait between retries of a failed write (the wait doubles from 100 ms up to this).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
