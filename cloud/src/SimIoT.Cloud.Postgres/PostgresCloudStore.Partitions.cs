using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SimIoT.Cloud.Postgres;

/// <summary>
/// The raw <c>telemetry</c> table is range-partitioned by <c>time</c>, one partition per UTC day
/// (<c>telemetry_pYYYYMMDD</c>), so retention drops whole days instead of deleting rows
/// (docs/decisions.md, "PostgreSQL: daily partitions"). Partitions are made ahead (today and
/// <see cref="DaysAhead"/> days) at start (<see cref="PostgresPartitionsAhead"/>) and on each retention pass, and at write time for any day
/// up to then that has none; readings beyond, or for a day whose partition is being dropped, land in
/// <c>telemetry_default</c>, so no reading ever lacks a table. A database from before partitioning
/// keeps its table as one partition, <c>telemetry_before_YYYYMMDD</c>, covering everything before
/// the day after the conversion; it is dropped like a day once that day has expired.
/// </summary>
public sealed partial class PostgresCloudStore
{
    private const int DaysAhead = 2;
    private const long PartitionLock = 7345202; // creating and detaching partitions
    private const long ExpiredLock = 7345203; // rolling up detached ones
    private const string DailyPrefix = "telemetry_p";
    private const string LegacyPrefix = "telemetry_before_";
    private const string ExpiredPrefix = "telemetry_expired_";

    /// <summary>Days this process knows have a partition (or are covered by the legacy one): the write path's fast check.</summary>
    private readonly ConcurrentDictionary<DateOnly, bool> _partitionDays = new();

    private DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    private static string Stamp(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Bound(DateOnly day) => $"'{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} 00:00:00+00'";

    /// <summary>The first day after a partition (from its name), or null for the default partition and names not ours.</summary>
    private static DateOnly? End(string partition)
    {
        static DateOnly? Parse(string text) =>
            DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
        if (partition.StartsWith(LegacyPrefix, StringComparison.Ordinal)) return Parse(partition[LegacyPrefix.Length..]);
        return partition.StartsWith(DailyPrefix, StringComparison.Ordinal) ? Parse(partition[DailyPrefix.Length..])?.AddDays(1) : null;
    }

    /// <summary>
    /// Idempotent, under the migrations' advisory lock: a plain <c>telemetry</c> (every database from
    /// before, and a new one after the first migration) becomes the partitioned table. Its rows are not
    /// copied: the old table is attached as the legacy partition (a scan to check the bound, no writes);
    /// only rows dated after that bound move to the default partition.
    /// </summary>
    private void MigratePartitions(ILogger logger)
    {
        using var connection = PostgresStartup.Open(_source, logger);
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, "SELECT pg_advisory_xact_lock(7345201)");
        using (var kind = new NpgsqlCommand("SELECT relkind::text FROM pg_class WHERE oid = 'telemetry'::regclass", connection, tx))
            if ((string)kind.ExecuteScalar()! != "r") return;
        var end = Today.AddDays(1);
        Execute(connection, tx, """
            ALTER TABLE telemetry RENAME TO telemetry_unpartitioned;
            ALTER INDEX telemetry_reading RENAME TO telemetry_unpartitioned_reading;
            ALTER INDEX IF EXISTS telemetry_time_brin RENAME TO telemetry_unpartitioned_time_brin;
            CREATE TABLE telemetry (LIKE telemetry_unpartitioned) PARTITION BY RANGE (time);
            CREATE UNIQUE INDEX telemetry_reading ON telemetry (modem_id, sensor, time, device_id);
            CREATE INDEX telemetry_time_brin ON telemetry USING brin (time);
            CREATE TABLE telemetry_default PARTITION OF telemetry DEFAULT;
            """);
        Execute(connection, tx, $"WITH moved AS (DELETE FROM telemetry_unpartitioned WHERE time >= {Bound(end)} RETURNING *) INSERT INTO telemetry_default SELECT * FROM moved");
        using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT FROM telemetry_unpartitioned)", connection, tx))
            Execute(connection, tx, (bool)any.ExecuteScalar()!
                ? $"ALTER TABLE telemetry ATTACH PARTITION telemetry_unpartitioned FOR VALUES FROM (MINVALUE) TO ({Bound(end)}); ALTER TABLE telemetry_unpartitioned RENAME TO {LegacyPrefix}{Stamp(end)}"
                : "DROP TABLE telemetry_unpartitioned");
        tx.Commit();
        logger.LogInformation("PostgreSQL telemetry converted to daily partitions");
    }

    /// <summary>Makes sure readings of these days have a partition of their own (days past <see cref="DaysAhead"/> go to the default one).</summary>
    private async Task EnsurePartitionsAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var last = Today.AddDays(DaysAhead);
        foreach (var day in days.Where(d => d <= last && !_partitionDays.ContainsKey(d)).Distinct())
            await EnsurePartitionAsync(day, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes the partitions of today and the <see cref="DaysAhead"/> days after it (at start, by <see cref="PostgresPartitionsAhead"/>, and on each retention pass).</summary>
    public Task EnsureAheadAsync(CancellationToken cancellationToken) =>
        EnsurePartitionsAsync(Enumerable.Range(0, DaysAhead + 1).Select(Today.AddDays), cancellationToken);

    /// <summary>
    /// Creates the day's partition unless it (or the legacy one) exists: a new table, the day's readings
    /// moved from the default partition, then ATTACH, which locks the parent only against other DDL
    /// (SHARE UPDATE EXCLUSIVE) and the default partition while it checks it, so ingest goes on.
    /// </summary>
    private async Task EnsurePartitionAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({PartitionLock})", cancellationToken).ConfigureAwait(false);
        var ends = await PartitionsAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        bool covered = ends.Any(p => p.Key.StartsWith(LegacyPrefix, StringComparison.Ordinal) ? day < p.Value : p.Value == day.AddDays(1));
        if (!covered)
        {
            string name = DailyPrefix + Stamp(day), from = Bound(day), to = Bound(day.AddDays(1));
            await ExecuteAsync(connection, tx, $"""
                CREATE TABLE {name} (LIKE telemetry);
                WITH moved AS (DELETE FROM telemetry_default WHERE time >= {from} AND time < {to} RETURNING *) INSERT INTO {name} SELECT * FROM moved;
                ALTER TABLE telemetry ATTACH PARTITION {name} FOR VALUES FROM ({from}) TO ({to});
                """, cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        _partitionDays.TryAdd(day, true);
    }

    /// <summary>Our partitions of telemetry and the first day after each (the default one has none and is left out).</summary>
    private static async Task<Dictionary<string, DateOnly>> PartitionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using var list = new NpgsqlCommand(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telemetry'::regclass", connection, tx);
        await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ends = new Dictionary<string, DateOnly>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            if (End(reader.GetString(0)) is { } end) ends[reader.GetString(0)] = end;
        return ends;
    }

    /// <summary>
    /// Retention's first step: every partition that ends at or before <paramref name="before"/> (every
    /// sensor's cutoff) holds only expired readings. Each is detached and renamed in one short
    /// transaction (ACCESS EXCLUSIVE on the parent, waited for at most 2 s, else tried on the next pass),
    /// so a late reading of that day goes to the default partition from then on; then its readings are
    /// rolled up into minutes and the table dropped, in one transaction: each reading in one tier.
    /// Returns the readings rolled up.
    /// </summary>
    private async Task<long> DropExpiredPartitionsAsync(DateTime before, CancellationToken cancellationToken)
    {
        await EnsureAheadAsync(cancellationToken).ConfigureAwait(false);
        long rows = await RollUpDetachedAsync(cancellationToken).ConfigureAwait(false); // left by a pass that stopped in between
        await using (var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({PartitionLock}); SET LOCAL lock_timeout = '2s'", cancellationToken).ConfigureAwait(false);
            var limit = DateOnly.FromDateTime(before);
            var expired = (await PartitionsAsync(connection, tx, cancellationToken).ConfigureAwait(false)).Where(p => p.Value <= limit).Select(p => p.Key).ToList();
            if (expired.Count == 0) return rows;
            try
            {
                foreach (var name in expired)
                    await ExecuteAsync(connection, tx,
                        $"ALTER TABLE telemetry DETACH PARTITION {name}; ALTER TABLE {name} RENAME TO {ExpiredPrefix}{name["telemetry_".Length..]}",
                        cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                return rows; // the parent was busy: the rows path expires them meanwhile, the next pass tries again
            }
            _partitionDays.Clear();
        }
        return rows + await RollUpDetachedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rolls each detached partition up into minutes and drops it, one transaction each.</summary>
    private async Task<long> RollUpDetachedAsync(CancellationToken cancellationToken)
    {
        long rows = 0;
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({ExpiredLock})", cancellationToken).ConfigureAwait(false);
            await using var find = new NpgsqlCommand(
                $"SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace AND starts_with(relname::text, '{ExpiredPrefix}') LIMIT 1",
                connection, tx);
            if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string table) return rows;
            await using (var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection, tx))
                rows += (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await ExecuteAsync(connection, tx, RawIntoMinutes(table), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, $"DROP TABLE {table}", cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
