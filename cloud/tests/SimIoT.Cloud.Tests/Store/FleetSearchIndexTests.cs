using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Api;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// The nickname search reads the trigram indexes (query plans of both stores), SQLite's trigram
/// table is filled for a file from before it, and a PostgreSQL role that may not add pg_trgm still
/// gets a cloud that searches (by scanning) and a warning.
/// </summary>
public class FleetSearchIndexTests
{
    private static readonly ModemFilter Search = new(OrganizationNames.Default, Query: "pump-0001");

    [Fact]
    public async Task Sqlite_looks_few_candidates_up_from_the_trigram_table_by_id()
    {
        using var dir = new TempDir();
        var options = Options.Create(new StoreOptions { DataDir = dir.Path, Init = true });
        using (var store = new SqliteCloudStore(options))
            await store.AddModemsAsync(FleetApiTests.Fleet(3000, 0x1_0000, DateTime.UtcNow), CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={System.IO.Path.Combine(dir.Path, "simiot.db")};Pooling=False");
        await connection.OpenAsync();
        var (probe, probeParameters) = FleetSql.Sqlite.Candidates(Search, 1000)!.Value;
        Assert.InRange(await ScalarAsync(connection, probe, probeParameters), 1, 999);
        foreach (var sort in Enum.GetValues<ModemSort>())
        {
            var (sql, parameters) = FleetSql.Sqlite.Page("modem_id", Search, sort, null, 101, narrow: true);
            var plan = await PlanAsync(connection, sql, parameters);
            Assert.Contains($"SCAN {SqliteTrigrams.Table} VIRTUAL TABLE", plan);
            Assert.Contains("modems_active_by_id (organization=? AND modem_id=?)", plan);
        }
        var (count, countParameters) = FleetSql.Sqlite.Count(Search, narrow: true);
        Assert.Contains($"SCAN {SqliteTrigrams.Table} VIRTUAL TABLE", await PlanAsync(connection, count, countParameters));
        // One or two characters make no trigram: no probe, the scan as before.
        Assert.Null(FleetSql.Sqlite.Candidates(Search with { Query = "pu" }, 1000));
    }

    [Fact]
    public async Task Sqlite_fills_the_trigram_table_for_a_file_from_before_it_and_keeps_it_in_step()
    {
        using var dir = new TempDir();
        var options = Options.Create(new StoreOptions { DataDir = dir.Path, Init = true });
        var modems = FleetApiTests.Fleet(50, 0x1_0000, DateTime.UtcNow);
        using (var store = new SqliteCloudStore(options))
            await store.AddModemsAsync(modems, CancellationToken.None);
        var file = System.IO.Path.Combine(dir.Path, "simiot.db");
        await using (var old = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await old.OpenAsync();
            await ExecuteAsync(old, $"DROP TABLE {SqliteTrigrams.Table}; DROP TRIGGER {SqliteTrigrams.Table}_insert; DROP TRIGGER {SqliteTrigrams.Table}_update; DROP TRIGGER {SqliteTrigrams.Table}_delete;");
        }

        using (var store = new SqliteCloudStore(options))
        {
            var found = await store.QueryModemsAsync(Search with { Query = "valve-00004" }, ModemSort.Id, null, 100, CancellationToken.None);
            Assert.Equal(modems.Where(m => m.Nickname.StartsWith("Valve-00004", StringComparison.Ordinal)).Select(m => m.Id.ToString()).Order(StringComparer.Ordinal), found.Select(m => m.Id.ToString()));
        }
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal(50, await ScalarAsync(connection, $"SELECT COUNT(*) FROM {SqliteTrigrams.Table}", []));
        // A row deleted from modems (not a soft delete: by hand) leaves the table too; the rowid is the id's bits.
        await ExecuteAsync(connection, $"DELETE FROM modems WHERE modem_id = '{modems[3].Id}'");
        Assert.Equal(49, await ScalarAsync(connection, $"SELECT COUNT(*) FROM {SqliteTrigrams.Table}", []));
        Assert.Equal(0, await ScalarAsync(connection, $"SELECT COUNT(*) FROM {SqliteTrigrams.Table} WHERE {SqliteTrigrams.IdOfRowid} = '{modems[3].Id}'", []));
        Assert.Equal(1, await ScalarAsync(connection, $"SELECT COUNT(*) FROM {SqliteTrigrams.Table} WHERE {SqliteTrigrams.IdOfRowid} = '{modems[4].Id}'", []));
        Assert.Equal(1, await ScalarAsync(connection, $"SELECT COUNT(*) FROM {SqliteTrigrams.Table} WHERE {SqliteTrigrams.IdOfRowid} = '{modems[0].Id}'", []));
    }

    [Fact]
    public async Task Sqlite_answers_what_its_like_answers_where_the_trigram_table_folds_more_case()
    {
        using var dir = new TempDir();
        using var store = new SqliteCloudStore(Options.Create(new StoreOptions { DataDir = dir.Path, Init = true }));
        var now = DateTime.UtcNow;
        await store.AddModemsAsync([
            new ModemRecord(new ModemId(0x10), "ÉTÉ pump", ModemProtocol.V2, null, now),
            new ModemRecord(new ModemId(0x11), "été pump", ModemProtocol.V2, null, now),
        ], CancellationToken.None);
        // FTS5 folds É to é, SQLite's LIKE only A-Z: both are candidates, the LIKE keeps one, as before the table.
        foreach (var (q, id) in new[] { ("été", "0000000000000011"), ("ÉTÉ", "0000000000000010"), ("été PUMP", "0000000000000011") })
        {
            var found = await store.QueryModemsAsync(Search with { Query = q }, ModemSort.Id, null, 10, CancellationToken.None);
            Assert.Equal([id], found.Select(m => m.Id.ToString()));
            Assert.Equal(1, await store.CountModemsAsync(Search with { Query = q }, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Postgres_reads_the_trigram_index_for_a_nickname_search()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        using (var store = new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = db.ConnectionString }), NullLogger<PostgresCloudStore>.Instance))
            await store.AddModemsAsync(FleetApiTests.Fleet(3000, 0x1_0000, DateTime.UtcNow), CancellationToken.None);

        // What autovacuum does soon after a bulk load: the GIN index's pending list merged, so its
        // cost is its own and not that of the list.
        await db.QueryAsync("VACUUM ANALYZE modems");
        var (sql, parameters) = FleetSql.Postgres.Count(Search);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        // On 3,000 rows reading them all may be as cheap; forbid it (and walking another index), so
        // what is left is a bitmap of the trigram index or of the organization's id index.
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET enable_indexscan = off", connection))
            await off.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var (name, value) in parameters) explain.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        Assert.True(plan.Any(line => line.Contains(PostgresCloudStore.NicknameTrigramIndex, StringComparison.Ordinal)), string.Join("\n", plan));
    }

    [Fact]
    public async Task Postgres_without_pg_trgm_still_starts_searches_and_warns()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var role = $"simiot_plain_{Guid.NewGuid():N}";
        // A role that owns its tables but may not add an extension (no CREATE on the database).
        await db.QueryAsync($"CREATE ROLE {role} LOGIN; GRANT CREATE ON SCHEMA public TO {role};");
        try
        {
            var plain = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role }.ToString();
            var logs = new ErrorLogCollector();
            using var factory = new LoggerFactory([logs]);
            using (var store = new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = plain }), factory.CreateLogger<PostgresCloudStore>()))
            {
                var modems = FleetApiTests.Fleet(40, 0x1_0000, DateTime.UtcNow);
                await store.AddModemsAsync(modems, CancellationToken.None);
                var found = await store.QueryModemsAsync(Search with { Query = "VALVE-00001" }, ModemSort.Id, null, 100, CancellationToken.None);
                Assert.Equal(modems.Where(m => m.Nickname.StartsWith("Valve-00001", StringComparison.Ordinal)).Select(m => m.Id.ToString()).Order(StringComparer.Ordinal), found.Select(m => m.Id.ToString()));
                Assert.Equal(found.Count, await store.CountModemsAsync(Search with { Query = "VALVE-00001" }, CancellationToken.None));
            }
            Assert.Contains(logs.Warnings, w => w.Contains("No trigram index", StringComparison.Ordinal));
            Assert.Empty(logs.Errors);
            Assert.Empty(await db.QueryAsync($"SELECT 1 FROM pg_indexes WHERE indexname = '{PostgresCloudStore.NicknameTrigramIndex}'"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await db.QueryAsync($"DROP OWNED BY {role}; DROP ROLE {role};");
        }
    }

    private static async Task<string> PlanAsync(SqliteConnection connection, string sql, List<(string Name, object? Value)> parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
        return string.Join("\n", lines);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, List<(string Name, object? Value)> parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("simiot-search").FullName;

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(Path, true);
        }
    }
}
