namespace SimIoT.Cloud.Store;

public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>Folder of the SQLite file (embedded profile).</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Npgsql connection string; when set the store is PostgreSQL.</summary>
    public string? Postgres { get; set; }

    /// <summary>Most points one write transaction takes.</summary>
    public int BatchSize { get; set; } = 5000;
}
