using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// A reading is its modem, sensor, device and sample time: both stores keep it once however often
/// it is written (a crashed cloud accepts the edge's resent frames again), and a store from before
/// that rule loses its duplicates when it is opened.
/// </summary>
public sealed class ReadingsStoredOnceTests
{
    private static readonly ModemId Modem = new(0x0dd);
    private static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    private static TelemetryPoint Point(int second, uint device = 3, int value = 2000) =>
        new(Modem.ToString(), "temp", device, T0.AddSeconds(second).AddTicks(10), [value + second]);

    private static async Task WriteTwiceAsync(ITelemetryStore store)
    {
        TelemetryPoint[] batch = [Point(0), Point(1), Point(1), Point(2, device: 9)]; // a duplicate inside the batch, another device at the same time as Point(2)
        await store.WriteAsync(batch, CancellationToken.None);
        await store.WriteAsync([Point(0), Point(2), Point(3)], CancellationToken.None); // again, across batches
    }

    private static async Task AssertStoredOnceAsync(ITelemetryStore store)
    {
        var stored = await store.QueryAsync(Modem, "temp", T0.AddDays(-1), T0.AddDays(1), 1000, CancellationToken.None);
        Assert.Equal(5, stored.Count); // 0, 1, 2 (device 9), 2 (device 3), 3
        Assert.Equal([2000, 2001, 2002, 2002, 2003], stored.Select(s => s.Values[0]).Order());
    }

    [Fact]
    public async Task Sqlite_keeps_each_reading_once()
    {
        var dir = Directory.CreateTempSubdirectory("simiot-once").FullName;
        try
        {
            using var store = new SqliteCloudStore(Options.Create(new StoreOptions { DataDir = dir, Init = true }));
            await WriteTwiceAsync(store);
            await AssertStoredOnceAsync(store);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Postgres_keeps_each_reading_once()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        using var store = new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = db.ConnectionString }), NullLogger<PostgresCloudStore>.Instance);
        await WriteTwiceAsync(store);
        await AssertStoredOnceAsync(store);
    }

    [Fact]
    public async Task A_sqlite_file_from_before_loses_its_duplicates_when_opened()
    {
        var dir = Directory.CreateTempSubdirectory("simiot-once-old").FullName;
        try
        {
            using (var old = new SqliteConnection($"Data Source={Path.Combine(dir, "simiot.db")};Pooling=False"))
            {
                old.Open();
                using var create = old.CreateCommand();
                create.CommandText = """
                    CREATE TABLE telemetry (modem_id TEXT NOT NULL, sensor TEXT NOT NULL, device_id INTEGER NOT NULL, time_us INTEGER NOT NULL,
                        value INTEGER NOT NULL, value_y INTEGER, value_z INTEGER, axes INTEGER NOT NULL);
                    CREATE INDEX telemetry_by_modem_sensor_time ON telemetry (modem_id, sensor, time_us);
                    INSERT INTO telemetry VALUES ('00000000000000dd', 'temp', 3, 1795521600000000, 7, NULL, NULL, 1);
                    INSERT INTO telemetry VALUES ('00000000000000dd', 'temp', 3, 1795521600000000, 7, NULL, NULL, 1);
                    INSERT INTO telemetry VALUES ('00000000000000dd', 'temp', 3, 1795521601000000, 8, NULL, NULL, 1);
                    """;
                create.ExecuteNonQuery();
            }
            using var store = new SqliteCloudStore(Options.Create(new StoreOptions { DataDir = dir }));
            var stored = await store.QueryAsync(Modem, "temp", T0.AddDays(-1), T0.AddDays(1), 1000, CancellationToken.None);
            Assert.Equal([7, 8], stored.Select(s => s.Values[0]));
            await store.WriteAsync([new TelemetryPoint(Modem.ToString(), "temp", 3, T0, [7])], CancellationToken.None);
            Assert.Equal(2, (await store.QueryAsync(Modem, "temp", T0.AddDays(-1), T0.AddDays(1), 1000, CancellationToken.None)).Count);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task A_postgres_database_at_schema_1_loses_its_duplicates_when_migrated()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await db.QueryAsync($"""
            CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            {PostgresSchema.Migrations[0]}
            INSERT INTO schema_version (version) VALUES (1);
            INSERT INTO telemetry VALUES ('2026-11-24T12:00:00Z', '00000000000000dd', 'temp', 3, 7, NULL, NULL, 1);
            INSERT INTO telemetry VALUES ('2026-11-24T12:00:00Z', '00000000000000dd', 'temp', 3, 7, NULL, NULL, 1);
            INSERT INTO telemetry VALUES ('2026-11-24T12:00:01Z', '00000000000000dd', 'temp', 3, 8, NULL, NULL, 1);
            SELECT 1;
            """);
        using var store = new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = db.ConnectionString }), NullLogger<PostgresCloudStore>.Instance);
        var stored = await store.QueryAsync(Modem, "temp", T0.AddDays(-1), T0.AddDays(1), 1000, CancellationToken.None);
        Assert.Equal([7, 8], stored.Select(s => s.Values[0]));
        Assert.Equal(PostgresSchema.Migrations.Count, (await db.QueryAsync("SELECT version FROM schema_version")).Count);
    }
}
