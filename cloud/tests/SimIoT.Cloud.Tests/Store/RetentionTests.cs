using Microsoft.Data.Sqlite;
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
/// Retention on both stores, time from a FakeTimeProvider: raw readings past their period become
/// minute roll-ups, those become hour roll-ups, those expire; the telemetry query reads every tier
/// and weighs roll-ups by their count; per-sensor periods; concurrent passes fold each reading once.
/// </summary>
public sealed class RetentionTests
{
    private static readonly ModemId Modem = new(0x7e7);
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static RetentionOptions Options(int batch = 7) => new()
    {
        Raw = TimeSpan.FromDays(7), Minutes = TimeSpan.FromDays(90), Hours = TimeSpan.FromDays(730), BatchSize = batch,
        Sensors = new() { ["accel"] = TimeSpan.FromDays(1) },
    };

    /// <summary>61 temperature readings, one a second from T0: 60 in the first minute (0..59), one (60) in the next.</summary>
    private static TelemetryPoint[] Temperatures() =>
        [.. Enumerable.Range(0, 61).Select(i => new TelemetryPoint(Modem.ToString(), "temp", 3, T0.AddSeconds(i), [i]))];

    private static Task<IReadOnlyList<TelemetrySample>> TempAsync(ITelemetryStore store, int maxPoints = 1000, string sensor = "temp") =>
        store.QueryAsync(Modem, sensor, T0.AddDays(-1), T0.AddDays(1), maxPoints, CancellationToken.None);

    private static async Task RollsUpThroughEveryTierAsync(ITelemetryStore store, ITelemetryRetention retention, Func<string, Task<List<long[]>>> sql)
    {
        await store.WriteAsync(Temperatures(), CancellationToken.None);
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(8)));
        var job = new TelemetryRetention(retention, Microsoft.Extensions.Options.Options.Create(Options()), time, NullLogger<TelemetryRetention>.Instance);

        var pass = await job.RunOnceAsync(CancellationToken.None);
        Assert.Equal((61, 0, 0), (pass.RawRows, pass.MinuteRows, pass.HourRows));
        Assert.Equal(
            [(T0, 30), (T0.AddMinutes(1), 60)], // 29.5 rounds away from zero
            (await TempAsync(store)).Select(s => (s.Timestamp, s.Values[0])));
        Assert.Equal([[60, 0, 59, 1770], [1, 60, 60, 60]], await sql("SELECT count, value_min, value_max, value_sum FROM telemetry_minute WHERE sensor = 'temp' ORDER BY value_min"));
        Assert.Equal(30, Assert.Single(await TempAsync(store, maxPoints: 1)).Values[0]); // (0 + … + 60) / 61, not the mean of the two buckets
        Assert.Equal(0, (await job.RunOnceAsync(CancellationToken.None)).Rows);

        time.SetUtcNow(new DateTimeOffset(T0.AddDays(91)));
        pass = await job.RunOnceAsync(CancellationToken.None);
        Assert.Equal((0, 2, 0), (pass.RawRows, pass.MinuteRows, pass.HourRows));
        Assert.Equal([(T0, 30)], (await TempAsync(store)).Select(s => (s.Timestamp, s.Values[0])));
        Assert.Equal([[61, 0, 60, 1830]], await sql("SELECT count, value_min, value_max, value_sum FROM telemetry_hour WHERE sensor = 'temp'"));

        time.SetUtcNow(new DateTimeOffset(T0.AddDays(731)));
        pass = await job.RunOnceAsync(CancellationToken.None);
        Assert.Equal((0, 0, 1), (pass.RawRows, pass.MinuteRows, pass.HourRows));
        Assert.Empty(await TempAsync(store));
    }

    private static async Task KeepsEachSensorForItsOwnPeriodAsync(ITelemetryStore store, ITelemetryRetention retention)
    {
        await store.WriteAsync([.. Temperatures(), .. Enumerable.Range(0, 30).Select(i => new TelemetryPoint(Modem.ToString(), "accel", 1, T0.AddSeconds(i), [i, -i, 2 * i]))], CancellationToken.None);
        var job = new TelemetryRetention(retention, Microsoft.Extensions.Options.Options.Create(Options()), new FakeTimeProvider(new DateTimeOffset(T0.AddDays(2))), NullLogger<TelemetryRetention>.Instance);

        Assert.Equal(30, (await job.RunOnceAsync(CancellationToken.None)).RawRows);
        Assert.Equal(61, (await TempAsync(store)).Count); // raw for 7 days
        var accel = Assert.Single(await TempAsync(store, sensor: "accel"));
        Assert.Equal([15, -15, 29], accel.Values); // 14.5 → 15, -14.5 → -15, 29
    }

    /// <summary>Two retention passes together (two API replicas, or a pass and the next) fold every reading exactly once.</summary>
    private static async Task ConcurrentPassesFoldEachReadingOnceAsync(ITelemetryStore store, ITelemetryRetention retention, Func<string, Task<List<long[]>>> sql)
    {
        var points = Enumerable.Range(0, 3000).Select(i => new TelemetryPoint(Modem.ToString(), "temp", (uint)(i % 3), T0.AddMilliseconds(100 * i), [i])).ToArray();
        await store.WriteAsync(points, CancellationToken.None);
        var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(8)));
        TelemetryRetention Job() => new(retention, Microsoft.Extensions.Options.Options.Create(Options(batch: 50)), time, NullLogger<TelemetryRetention>.Instance);
        var recent = Enumerable.Range(0, 500).Select(i => new TelemetryPoint(Modem.ToString(), "temp", 1, T0.AddDays(7.5).AddSeconds(i), [i])).ToArray();
        var passes = await Task.WhenAll(Job().RunOnceAsync(CancellationToken.None), Job().RunOnceAsync(CancellationToken.None),
            Task.Run(async () => { foreach (var chunk in recent.Chunk(50)) await store.WriteAsync(chunk, CancellationToken.None); return new RetentionPass(0, 0, 0, TimeSpan.Zero); }));

        Assert.Equal(3000, passes.Sum(p => p.RawRows));
        Assert.Equal([[3000, 0, 2999, 2999L * 3000 / 2]], await sql("SELECT SUM(count), MIN(value_min), MAX(value_max), SUM(value_sum) FROM telemetry_minute"));
        Assert.Equal(500, (await store.QueryAsync(Modem, "temp", T0.AddDays(7), T0.AddDays(8), 1000, CancellationToken.None)).Count); // ingest during the passes: all kept, raw
    }

    [Fact]
    public Task Sqlite_rolls_raw_readings_up_into_minutes_then_hours_then_drops_them() => WithSqliteAsync(RollsUpThroughEveryTierAsync);

    [Fact]
    public Task Postgres_rolls_raw_readings_up_into_minutes_then_hours_then_drops_them() => WithPostgresAsync(RollsUpThroughEveryTierAsync);

    [Fact]
    public Task Sqlite_keeps_each_sensor_for_its_own_period() => WithSqliteAsync((store, retention, _) => KeepsEachSensorForItsOwnPeriodAsync(store, retention));

    [Fact]
    public Task Postgres_keeps_each_sensor_for_its_own_period() => WithPostgresAsync((store, retention, _) => KeepsEachSensorForItsOwnPeriodAsync(store, retention));

    [Fact]
    public Task Sqlite_passes_beside_ingest_fold_each_reading_once() => WithSqliteAsync(ConcurrentPassesFoldEachReadingOnceAsync);

    [Fact]
    public Task Postgres_concurrent_passes_beside_ingest_fold_each_reading_once() => WithPostgresAsync(ConcurrentPassesFoldEachReadingOnceAsync);

    [Fact]
    public async Task The_background_job_runs_a_pass_at_start_and_again_each_interval()
    {
        await WithSqliteAsync(async (store, retention, sql) =>
        {
            var time = new FakeTimeProvider(new DateTimeOffset(T0.AddDays(8)));
            var options = Options();
            options.Interval = TimeSpan.FromMinutes(5);
            using var job = new TelemetryRetention(retention, Microsoft.Extensions.Options.Options.Create(options), time, NullLogger<TelemetryRetention>.Instance);
            await store.WriteAsync(Temperatures()[..60], CancellationToken.None);
            await job.StartAsync(CancellationToken.None);
            await WaitForAsync(async () => (await sql("SELECT COUNT(*) FROM telemetry")).Single()[0] == 0);

            await store.WriteAsync(Temperatures()[60..], CancellationToken.None); // a late reading of an old minute
            await WaitForAsync(async () =>
            {
                time.Advance(options.Interval); // until the job, waiting for its next interval, runs again
                return (await sql("SELECT COUNT(*) FROM telemetry")).Single()[0] == 0;
            });
            Assert.Equal([[60], [1]], await sql("SELECT count FROM telemetry_minute ORDER BY time_us"));
            await job.StopAsync(CancellationToken.None);
        });
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the retention job did not run within 30 s");
            await Task.Delay(20);
        }
    }

    private static async Task WithSqliteAsync(Func<ITelemetryStore, ITelemetryRetention, Func<string, Task<List<long[]>>>, Task> test)
    {
        var dir = Directory.CreateTempSubdirectory("simiot-retention").FullName;
        try
        {
            using var store = new SqliteCloudStore(Microsoft.Extensions.Options.Options.Create(new StoreOptions { DataDir = dir, Init = true }));
            await test(store, store, sql =>
            {
                using var connection = new SqliteConnection($"Data Source={store.FilePath};Pooling=False");
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                using var reader = command.ExecuteReader();
                var rows = new List<long[]>();
                while (reader.Read()) rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToInt64(reader.GetValue(i)))]);
                return Task.FromResult(rows);
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    private static async Task WithPostgresAsync(Func<ITelemetryStore, ITelemetryRetention, Func<string, Task<List<long[]>>>, Task> test)
    {
        await using var db = await PostgresDatabase.CreateAsync();
        using var store = new PostgresCloudStore(Microsoft.Extensions.Options.Options.Create(new StoreOptions { Postgres = db.ConnectionString }), NullLogger<PostgresCloudStore>.Instance);
        await test(store, store, async sql => [.. (await db.QueryAsync(sql)).Select(r => r.Select(Convert.ToInt64).ToArray())]);
    }
}
