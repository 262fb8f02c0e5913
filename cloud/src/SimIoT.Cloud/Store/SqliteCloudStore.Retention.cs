using Microsoft.Data.Sqlite;

namespace SimIoT.Cloud.Store;

/// <summary>
/// Retention and roll-ups (<see cref="ITelemetryRetention"/>): telemetry_minute and telemetry_hour
/// hold the readings that have left the raw table, one row per bucket.
/// </summary>
public sealed partial class SqliteCloudStore : ITelemetryRetention
{
    private const long MinuteMicros = 60_000_000;
    private const long HourMicros = 60 * MinuteMicros;

    private const string RollUpTable = """
        (modem_id TEXT NOT NULL, sensor TEXT NOT NULL, device_id INTEGER NOT NULL, time_us INTEGER NOT NULL,
         count INTEGER NOT NULL, value_min INTEGER NOT NULL, value_max INTEGER NOT NULL, value_sum INTEGER NOT NULL,
         y_min INTEGER, y_max INTEGER, y_sum INTEGER, z_min INTEGER, z_max INTEGER, z_sum INTEGER, axes INTEGER NOT NULL)
        """;

    private void MigrateRetention()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS telemetry_minute {RollUpTable};
            CREATE UNIQUE INDEX IF NOT EXISTS telemetry_minute_bucket ON telemetry_minute (modem_id, sensor, time_us, device_id);
            CREATE INDEX IF NOT EXISTS telemetry_minute_time ON telemetry_minute (time_us);
            CREATE TABLE IF NOT EXISTS telemetry_hour {RollUpTable};
            CREATE UNIQUE INDEX IF NOT EXISTS telemetry_hour_bucket ON telemetry_hour (modem_id, sensor, time_us, device_id);
            CREATE INDEX IF NOT EXISTS telemetry_hour_time ON telemetry_hour (time_us);
            CREATE TEMP TABLE IF NOT EXISTS expiring (id INTEGER PRIMARY KEY);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// The raw table has no time index (it would slow every insert), but its unique index is ordered
    /// by modem, sensor and time: the batch walks the (modem, sensor) pairs with one index seek each
    /// and takes each pair's oldest readings before that sensor's cutoff, until it has <paramref name="batchSize"/>.
    /// </summary>
    public Task<int> ExpireRawAsync(RawCutoffs cutoffs, int batchSize, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        CheckFile();
        using var tx = c.BeginTransaction();
        using var clear = Command(c, "DELETE FROM temp.expiring");
        clear.Transaction = tx;
        clear.ExecuteNonQuery();
        using var next = Command(c, "SELECT modem_id, sensor FROM telemetry WHERE (modem_id, sensor) > ($m, $s) ORDER BY modem_id, sensor LIMIT 1", ("$m", ""), ("$s", ""));
        using var take = Command(c, "INSERT INTO temp.expiring SELECT rowid FROM telemetry WHERE modem_id = $m AND sensor = $s AND time_us < $before LIMIT $n", ("$m", ""), ("$s", ""), ("$before", 0L), ("$n", 0));
        next.Transaction = take.Transaction = tx;
        int taken = 0;
        while (taken < batchSize)
        {
            using (var reader = next.ExecuteReader())
            {
                if (!reader.Read()) break;
                take.Parameters["$m"].Value = next.Parameters["$m"].Value = reader.GetString(0);
                take.Parameters["$s"].Value = next.Parameters["$s"].Value = reader.GetString(1);
            }
            take.Parameters["$before"].Value = Micros(cutoffs.Sensors.GetValueOrDefault((string)take.Parameters["$s"].Value!, cutoffs.Before));
            take.Parameters["$n"].Value = batchSize - taken;
            taken += take.ExecuteNonQuery();
        }
        if (taken > 0)
        {
            const string batch = "rowid IN (SELECT id FROM temp.expiring)";
            using var merge = Command(c, $"""
                INSERT INTO telemetry_minute (modem_id, sensor, device_id, time_us, {RollUpSql.Columns})
                SELECT modem_id, sensor, device_id, time_us - time_us % {MinuteMicros}, {RollUpSql.FromRaw}
                FROM telemetry WHERE {batch} GROUP BY 1, 2, 3, 4
                ON CONFLICT (modem_id, sensor, time_us, device_id) DO UPDATE SET {RollUpSql.Merge("telemetry_minute", "MIN", "MAX")}
                """);
            using var remove = Command(c, $"DELETE FROM telemetry WHERE {batch}");
            merge.Transaction = remove.Transaction = tx;
            merge.ExecuteNonQuery();
            remove.ExecuteNonQuery();
        }
        tx.Commit();
        return taken;
    }, cancellationToken);

    public Task<int> ExpireMinutesAsync(DateTime before, int batchSize, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        const string batch = "rowid IN (SELECT rowid FROM telemetry_minute WHERE time_us < $before LIMIT $n)";
        return Expire(c, $"""
            INSERT INTO telemetry_hour (modem_id, sensor, device_id, time_us, {RollUpSql.Columns})
            SELECT modem_id, sensor, device_id, time_us - time_us % {HourMicros}, {RollUpSql.FromRollUp}
            FROM telemetry_minute WHERE {batch} GROUP BY 1, 2, 3, 4
            ON CONFLICT (modem_id, sensor, time_us, device_id) DO UPDATE SET {RollUpSql.Merge("telemetry_hour", "MIN", "MAX")}
            """, $"DELETE FROM telemetry_minute WHERE {batch}", ("$n", batchSize), ("$before", Micros(before)));
    }, cancellationToken);

    public Task<int> ExpireHoursAsync(DateTime before, int batchSize, CancellationToken cancellationToken) => LockedAsync(c =>
        Expire(c, null, "DELETE FROM telemetry_hour WHERE rowid IN (SELECT rowid FROM telemetry_hour WHERE time_us < $before LIMIT $n)",
            ("$n", batchSize), ("$before", Micros(before))), cancellationToken);

    /// <summary>Rolls the batch up (when there is a coarser tier) and deletes it, in one transaction; returns the rows deleted.</summary>
    private int Expire(SqliteConnection c, string? rollUp, string delete, params (string, object?)[] parameters)
    {
        CheckFile();
        using var tx = c.BeginTransaction();
        if (rollUp is not null)
        {
            using var merge = Command(c, rollUp, parameters);
            merge.Transaction = tx;
            merge.ExecuteNonQuery();
        }
        using var remove = Command(c, delete, parameters);
        remove.Transaction = tx;
        int removed = remove.ExecuteNonQuery();
        tx.Commit();
        return removed;
    }

    /// <summary>
    /// Every reading of a modem's sensor in [from, to] from the three tiers, as (time_us, n, x, y, z, axes):
    /// a raw reading has n = 1 and its values, a roll-up its count and sums (avg = sum / n).
    /// </summary>
    private const string AllTiers = """
        (SELECT time_us, 1 AS n, value AS x, value_y AS y, value_z AS z, axes FROM telemetry WHERE modem_id = $m AND sensor = $s AND time_us BETWEEN $from AND $to
         UNION ALL SELECT time_us, count, value_sum, y_sum, z_sum, axes FROM telemetry_minute WHERE modem_id = $m AND sensor = $s AND time_us BETWEEN $from AND $to
         UNION ALL SELECT time_us, count, value_sum, y_sum, z_sum, axes FROM telemetry_hour WHERE modem_id = $m AND sensor = $s AND time_us BETWEEN $from AND $to)
        """;
}
