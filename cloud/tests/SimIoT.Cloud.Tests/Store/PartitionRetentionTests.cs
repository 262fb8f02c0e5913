using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Telemetry;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// PostgreSQL's raw telemetry in daily partitions, on a real server with a FakeTimeProvider: retention
/// rolls whole expired days up and drops their partitions (gone from pg_inherits and pg_class), rolls up
/// a day only partly expired reading by reading, keeps every reading in exactly one tier, takes late and
/// far-off readings (default partition), finishes a partition a stopped pass had detached, and a
/// database made by the old, unpartitioned schema is converted in place, once.
/// </summary>
public sealed class PartitionRetentionTests
{
    private static readonly ModemId Modem = new(0x9a7);
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>One temperature reading an hour for three days from T0, value = hour.</summary>
    private static TelemetryPoint[] Hourly() =>
        [.. Enumerable.Range(0, 72).Select(h => Reading(T0.AddHours(h), h))];

    private static TelemetryPoint Reading(DateTime at, int value) => new(Modem.ToString(), "temp", 3, at, [value]);

    /// <summary>The store as the cloud starts it: made, then its partitions ahead (<see cref="PostgresPartitionsAhead"/>).</summary>
    private static async Task<PostgresCloudStore> OpenAsync(PostgresDatabase db, TimeProvider time)
    {
        var store = new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = db.ConnectionString }), NullLogger<PostgresCloudStore>.Instance, time: time);
        await new PostgresPartitionsAhead(store).StartAsync(CancellationToken.None);
        return store;
    }

    private static TelemetryRetention Job(PostgresCloudStore store, TimeProvider time) => new(store,
        Options.Create(new RetentionOptions { Raw = TimeSpan.FromDays(7), Minutes = TimeSpan.FromDays(90), Hours = TimeSpan.FromDays(730) }),
        time, NullLogger<TelemetryRetention>.Instance);

    private static async Task<List<string>> PartitionsAsync(PostgresDatabase db) =>
        [.. (await db.QueryAsync("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry'::regclass ORDER BY 1"))
            .Select(r => (string)r[0]!)];

    private static async Task<List<string>> TablesLikeAsync(PostgresDatabase db, string prefix) =>
        [.. (await db.QueryAsync($"SELECT relname::text FROM pg_class WHERE relkind IN ('r', 'p') AND starts_with(relname::text, '{prefix}') ORDER BY 1")).Select(r => (string)r[0]!)];

    private static async Task<long> ScalarAsync(PostgresDatabase db, string sql) => Convert.ToInt64((await db.QueryAsync(sql)).Single()[0] ?? 0L);

    private static async Task<List<(DateTime, int)>> SeriesAsync(PostgresCloudStore store) =>
        [.. (await store.QueryAsync(Modem, "temp", T0.AddDays(-1), T0.AddDays(30), 10_000, CancellationToken.None)).Select(s => (s.Timestamp, s.Values[0]))];

    [Fact]
    public async Task Postgres_rolls_up_and_drops_whole_expired_day_partitions_and_rolls_up_the_partly_expired_day_by_rows()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0));
        using var store = await OpenAsync(db, time);
        await store.WriteAsync(Hourly(), CancellationToken.None);
        Assert.Equal(["telemetry_default", "telemetry_p20260101", "telemetry_p20260102", "telemetry_p20260103"], await PartitionsAsync(db));
        Assert.Equal(0, await ScalarAsync(db, "SELECT COUNT(*) FROM telemetry_default"));

        time.SetUtcNow(new DateTimeOffset(T0.AddDays(8.5))); // raw cutoff T0 + 1.5 d: day 1 wholly expired, day 2 half
        var pass = await Job(store, time).RunOnceAsync(CancellationToken.None);

        Assert.Equal(36, pass.RawRows);
        var partitions = await PartitionsAsync(db);
        Assert.DoesNotContain("telemetry_p20260101", partitions);
        Assert.Contains("telemetry_p20260102", partitions);
        Assert.Contains("telemetry_p20260103", partitions);
        Assert.Empty(await TablesLikeAsync(db, "telemetry_p20260101"));
        Assert.Empty(await TablesLikeAsync(db, "telemetry_expired_"));
        Assert.Equal(36, await ScalarAsync(db, "SELECT COUNT(*) FROM telemetry"));
        Assert.Equal([36, 630], (await db.QueryAsync("SELECT SUM(count), SUM(value_sum) FROM telemetry_minute")).Single().Select(Convert.ToInt64)); // hours 0..35
        Assert.Equal(Hourly().Select(p => (p.Timestamp, p.Values[0])), await SeriesAsync(store)); // every reading once, raw or rolled up
        Assert.Equal(0, (await Job(store, time).RunOnceAsync(CancellationToken.None)).Rows);
    }

    [Fact]
    public async Task Postgres_keeps_late_and_far_off_readings_and_finishes_a_partition_left_detached()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(T0));
        using var store = await OpenAsync(db, time);
        await store.WriteAsync(Hourly(), CancellationToken.None);
        time.SetUtcNow(new DateTimeOffset(T0.AddDays(8.5)));
        await Job(store, time).RunOnceAsync(CancellationToken.None);

        // A pass that stopped between detaching day 3 and rolling it up (as another replica's, or a crash).
        await db.QueryAsync("ALTER TABLE telemetry DETACH PARTITION telemetry_p20260103; ALTER TABLE telemetry_p20260103 RENAME TO telemetry_expired_p20260103");
        var farOff = new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await store.WriteAsync([Reading(T0.AddSeconds(30), 1000), Reading(farOff, 7)], CancellationToken.None); // day 1's partition is gone: made again

        Assert.Equal("telemetry_default", (string)(await db.QueryAsync("SELECT tableoid::regclass::text FROM telemetry WHERE time = '2100-01-01Z'")).Single()[0]!);
        Assert.Equal(1, await ScalarAsync(db, "SELECT COUNT(*) FROM telemetry_p20260101"));

        var pass = await Job(store, time).RunOnceAsync(CancellationToken.None);
        Assert.Equal(1 + 24, pass.RawRows); // the late reading, and day 3 from the detached table
        Assert.Empty(await TablesLikeAsync(db, "telemetry_expired_"));
        Assert.Empty(await TablesLikeAsync(db, "telemetry_p20260101"));
        Assert.Equal([2, 0, 1000, 1000], (await db.QueryAsync($"SELECT count, value_min, value_max, value_sum FROM telemetry_minute WHERE time = '2026-01-01Z'")).Single().Select(Convert.ToInt64));
        Assert.Equal([61, 630 + 1428 + 1000], (await db.QueryAsync("SELECT SUM(count), SUM(value_sum) FROM telemetry_minute")).Single().Select(Convert.ToInt64)); // hours 0..35, then 48..71 and the late one
        var far = Assert.Single(await store.QueryAsync(Modem, "temp", farOff.AddDays(-1), farOff.AddDays(1), 100, CancellationToken.None));
        Assert.Equal((farOff, 7), (far.Timestamp, far.Values[0]));
    }

    [Fact]
    public async Task Postgres_converts_a_store_made_by_the_unpartitioned_schema_in_place_once()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        // The schema as the store made it before partitioning: the shipped migrations and the BRIN index retention added.
        await db.QueryAsync(string.Join(";\n", PostgresSchema.Migrations) + """
            ;
            CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO schema_version (version) SELECT generate_series(1, 3);
            CREATE INDEX telemetry_time_brin ON telemetry USING brin (time);
            INSERT INTO telemetry (time, modem_id, sensor, device_id, value, axes)
                SELECT t, m, 'temp', 3, v, 1 FROM (VALUES ('2026-01-01 10:00Z'::timestamptz, 1), ('2026-01-02 10:00Z', 2), ('2026-01-06 10:00Z', 3)) AS r (t, v),
            """ + $"(SELECT '{Modem}' AS m) AS modem");
        Assert.Equal(3, PostgresSchema.Migrations.Count); // a new migration must run before the conversion here too
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(2.5)));
        TelemetryPoint[] stored = [Reading(T0.AddHours(10), 1), Reading(T0.AddHours(34), 2), Reading(T0.AddHours(130), 3)];

        using (var store = await OpenAsync(db, time))
        {
            Assert.Equal("p", (string)(await db.QueryAsync("SELECT relkind::text FROM pg_class WHERE oid = 'telemetry'::regclass")).Single()[0]!);
            // The old table is the partition of everything before the day after the conversion; what was dated later moved to the default one.
            Assert.Equal(["telemetry_before_20260104", "telemetry_default", "telemetry_p20260104", "telemetry_p20260105"], await PartitionsAsync(db));
            Assert.Equal(1, await ScalarAsync(db, "SELECT COUNT(*) FROM telemetry_default"));
            Assert.Empty(await TablesLikeAsync(db, "telemetry_unpartitioned"));
            await store.WriteAsync(stored, CancellationToken.None); // already there: still one row each
            Assert.Equal(stored.Select(p => (p.Timestamp, p.Values[0])), await SeriesAsync(store));
        }
        using (var again = await OpenAsync(db, time))
            Assert.Equal(["telemetry_before_20260104", "telemetry_default", "telemetry_p20260104", "telemetry_p20260105"], await PartitionsAsync(db));

        time.SetUtcNow(new DateTimeOffset(T0.AddDays(10))); // the legacy partition's last day has expired
        using var later = await OpenAsync(db, time);
        Assert.Equal(2, (await Job(later, time).RunOnceAsync(CancellationToken.None)).RawRows);
        Assert.DoesNotContain("telemetry_before_20260104", await PartitionsAsync(db));
        Assert.Empty(await TablesLikeAsync(db, "telemetry_before_"));
        Assert.Equal(stored.Select(p => (p.Timestamp, p.Values[0])), await SeriesAsync(later));
        Assert.Equal(1, await ScalarAsync(db, "SELECT COUNT(*) FROM telemetry")); // 2026-01-06 is still raw
    }
}
