using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Telemetry;

namespace SimIoT.Cloud.Host;

/// <summary>
/// 'retention run': one retention pass now, on the store itself (docs/operations.md), printing what
/// it rolled up and deleted, how fast, and the telemetry's size before and after (the figures in
/// docs/performance.md). The running cloud does the same every Retention:Interval.
/// </summary>
public static class RetentionCommand
{
    public static void Add(RootCommand root, Option<string?> data, Option<string?> postgres)
    {
        var defaults = new RetentionOptions();
        var raw = new Option<string?>("--raw") { Description = $"raw period (default {defaults.Raw.TotalDays}d)" };
        var minutes = new Option<string?>("--minutes") { Description = $"minute roll-up period (default {defaults.Minutes.TotalDays}d)" };
        var hours = new Option<string?>("--hours") { Description = $"hour roll-up period (default {defaults.Hours.TotalDays}d)" };
        var batch = new Option<int>("--batch-size") { Description = "rows per batch transaction", DefaultValueFactory = _ => defaults.BatchSize };
        var vacuum = new Option<bool>("--vacuum") { Description = "VACUUM the telemetry tables afterwards, so the freed space is measured (and returned)" };
        var run = new Command("run", "Roll up and delete expired telemetry now; prints rows, rows/s and the telemetry's size before and after.") { raw, minutes, hours, batch, vacuum };
        run.SetAction(async (r, ct) =>
        {
            var options = new RetentionOptions { BatchSize = r.GetValue(batch) };
            foreach (var (option, set) in new (Option<string?>, Action<TimeSpan>)[] { (raw, t => options.Raw = t), (minutes, t => options.Minutes = t), (hours, t => options.Hours = t) })
            {
                if (r.GetValue(option) is not { } text) continue;
                if (!DurationText.TryParse(text, out var period))
                {
                    Console.Error.WriteLine($"{option.Name}: '{text}' is not a duration (30d, 12h, 15m, 90s)");
                    return 2;
                }
                set(period);
            }
            if (options.Problem() is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var storeOptions = Options.Create(new StoreOptions { DataDir = r.GetValue(data) ?? new StoreOptions().DataDir, Postgres = r.GetValue(postgres) });
            using var store = string.IsNullOrWhiteSpace(storeOptions.Value.Postgres)
                ? (IDisposable)new SqliteCloudStore(storeOptions)
                : new PostgresCloudStore(storeOptions, NullLogger<PostgresCloudStore>.Instance);
            var size = new TelemetrySize(storeOptions.Value);
            var before = await size.MeasureAsync(ct);
            var job = new TelemetryRetention((ITelemetryRetention)store, Options.Create(options), TimeProvider.System, NullLogger<TelemetryRetention>.Instance);
            var pass = await job.RunOnceAsync(ct);
            var vacuumTime = Stopwatch.StartNew();
            if (r.GetValue(vacuum)) await size.VacuumAsync(ct);
            var after = await size.MeasureAsync(ct);
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"before: {before}"));
            Console.WriteLine(string.Create(c, $"pass: {pass.RawRows} raw readings, {pass.MinuteRows} minute and {pass.HourRows} hour roll-ups in {pass.Elapsed.TotalSeconds:F2} s (batches of {options.BatchSize})"));
            if (r.GetValue(vacuum)) Console.WriteLine(string.Create(c, $"vacuum: {vacuumTime.Elapsed.TotalSeconds:F2} s"));
            Console.WriteLine(string.Create(c, $"after: {after}"));
            Console.WriteLine(string.Create(c, $"rows/s: {pass.Rows / Math.Max(pass.Elapsed.TotalSeconds, 1e-6):F0}"));
            return 0;
        });
        root.Subcommands.Add(new Command("retention", "Telemetry retention and roll-ups on the store: run.") { run });
    }

    /// <summary>Rows per tier and the bytes the telemetry tables take (SQLite: pages in use, PostgreSQL: relation sizes with indexes).</summary>
    private sealed class TelemetrySize(StoreOptions options)
    {
        private static readonly string[] Tables = ["telemetry", "telemetry_minute", "telemetry_hour"];

        public async Task<string> MeasureAsync(CancellationToken ct)
        {
            var rows = new List<long>();
            foreach (var table in Tables) rows.Add(await ScalarAsync($"SELECT COUNT(*) FROM {table}", ct));
            long bytes = options.Postgres is null
                ? await ScalarAsync("SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()", ct)
                : await ScalarAsync(string.Join(" + ", Tables.Select(t => $"pg_total_relation_size('{t}')")).Insert(0, "SELECT "), ct);
            return string.Create(CultureInfo.InvariantCulture,
                $"{rows[0]} raw, {rows[1]} minute, {rows[2]} hour rows, {bytes / 1048576.0:F1} MiB ({(rows[0] + rows[1] + rows[2] == 0 ? 0 : bytes / (rows[0] + rows[1] + rows[2]))} bytes/row)");
        }

        public Task VacuumAsync(CancellationToken ct) => ScalarAsync(options.Postgres is null ? "VACUUM" : "VACUUM telemetry, telemetry_minute, telemetry_hour", ct);

        private async Task<long> ScalarAsync(string sql, CancellationToken ct)
        {
            if (options.Postgres is { } postgres)
            {
                await using var connection = new NpgsqlConnection(postgres);
                await connection.OpenAsync(ct);
                await using var pg = new NpgsqlCommand(sql, connection);
                return Convert.ToInt64(await pg.ExecuteScalarAsync(ct) ?? 0L, CultureInfo.InvariantCulture);
            }
            await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Path.GetFullPath(options.DataDir), "simiot.db"), Pooling = false }.ToString());
            await sqlite.OpenAsync(ct);
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct) ?? 0L, CultureInfo.InvariantCulture);
        }
    }
}
