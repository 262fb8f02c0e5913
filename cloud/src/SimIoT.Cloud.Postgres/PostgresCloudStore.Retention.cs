using Microsoft.Extensions.Logging;
using Npgsql;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Postgres;

/// <summary>
/// Retention and roll-ups (<see cref="ITelemetryRetention"/>): telemetry_minute and telemetry_hour
/// hold the readings that have left the raw table, one row per bucket (Grafana: avg = value_sum / count).
/// Each batch deletes and rolls up in one statement; rows are taken FOR UPDATE SKIP LOCKED, so API
/// replicas running retention together never fold a reading twice.
/// </summary>
public sealed partial class PostgresCloudStore : ITelemetryRetention
{
    private const string RollUpTable = """
        (time timestamptz NOT NULL, modem_id text NOT NULL, sensor text NOT NULL, device_id integer NOT NULL,
         count bigint NOT NULL, value_min integer NOT NULL, value_max integer NOT NULL, value_sum bigint NOT NULL,
         y_min integer, y_max integer, y_sum bigint, z_min integer, z_max integer, z_sum bigint, axes smallint NOT NULL,
         PRIMARY KEY (modem_id, sensor, time, device_id))
        """;

    /// <summary>Idempotent, under the migrations' advisory lock. The BRIN index finds the oldest rows at almost no cost to inserts.</summary>
    private void MigrateRetention(ILogger logger)
    {
        using var connection = PostgresStartup.Open(_source, logger);
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, "SELECT pg_advisory_xact_lock(7345201)");
        Execute(connection, tx, $"""
            CREATE TABLE IF NOT EXISTS telemetry_minute {RollUpTable};
            CREATE INDEX IF NOT EXISTS telemetry_minute_time ON telemetry_minute (time);
            CREATE TABLE IF NOT EXISTS telemetry_hour {RollUpTable};
            CREATE INDEX IF NOT EXISTS telemetry_hour_time ON telemetry_hour (time);
            CREATE INDEX IF NOT EXISTS telemetry_time_brin ON telemetry USING brin (time);
            """);
        tx.Commit();
    }

    public async Task<int> ExpireRawAsync(RawCutoffs cutoffs, int batchSize, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object?)> { ("n", batchSize), ("before", cutoffs.Before), ("latest", cutoffs.Sensors.Values.Append(cutoffs.Before).Max()) };
        var cases = cutoffs.Sensors.Select((s, i) =>
        {
            parameters.Add(($"s{i}", s.Key));
            parameters.Add(($"c{i}", s.Value));
            return $" WHEN @s{i} THEN @c{i}";
        });
        string cutoff = cutoffs.Sensors.Count == 0 ? "@before" : $"CASE sensor{string.Concat(cases)} ELSE @before END";
        return await ExpireAsync($"""
            WITH gone AS (
                DELETE FROM telemetry WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM telemetry WHERE time < @latest AND time < {cutoff} LIMIT @n FOR UPDATE SKIP LOCKED))
                RETURNING time, modem_id, sensor, device_id, value, value_y, value_z, axes),
            rolled AS (
                INSERT INTO telemetry_minute AS t (time, modem_id, sensor, device_id, {RollUpSql.Columns})
                SELECT date_bin('1 minute', time, 'epoch'), modem_id, sensor, device_id, {RollUpSql.FromRaw}
                FROM gone GROUP BY 1, 2, 3, 4
                ON CONFLICT (modem_id, sensor, time, device_id) DO UPDATE SET {RollUpSql.Merge("t", "LEAST", "GREATEST")})
            SELECT COUNT(*) FROM gone
            """, [.. parameters], cancellationToken).ConfigureAwait(false);
    }

    public Task<int> ExpireMinutesAsync(DateTime before, int batchSize, CancellationToken cancellationToken) => ExpireAsync($"""
        WITH gone AS (
            DELETE FROM telemetry_minute WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM telemetry_minute WHERE time < @before LIMIT @n FOR UPDATE SKIP LOCKED))
            RETURNING *),
        rolled AS (
            INSERT INTO telemetry_hour AS t (time, modem_id, sensor, device_id, {RollUpSql.Columns})
            SELECT date_bin('1 hour', time, 'epoch'), modem_id, sensor, device_id,
                SUM(count)::bigint, MIN(value_min), MAX(value_max), SUM(value_sum)::bigint, MIN(y_min), MAX(y_max), SUM(y_sum)::bigint,
                MIN(z_min), MAX(z_max), SUM(z_sum)::bigint, MAX(axes)
            FROM gone GROUP BY 1, 2, 3, 4
            ON CONFLICT (modem_id, sensor, time, device_id) DO UPDATE SET {RollUpSql.Merge("t", "LEAST", "GREATEST")})
        SELECT COUNT(*) FROM gone
        """, [("n", batchSize), ("before", before)], cancellationToken);

    public Task<int> ExpireHoursAsync(DateTime before, int batchSize, CancellationToken cancellationToken) => ExpireAsync("""
        WITH gone AS (
            DELETE FROM telemetry_hour WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM telemetry_hour WHERE time < @before LIMIT @n FOR UPDATE SKIP LOCKED))
            RETURNING 1)
        SELECT COUNT(*) FROM gone
        """, [("n", batchSize), ("before", before)], cancellationToken);

    private async Task<int> ExpireAsync(string sql, (string, object?)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, parameters);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Every reading of a modem's sensor in [from, to] from the three tiers, as (time, n, x, y, z, axes):
    /// a raw reading has n = 1 and its values, a roll-up its count and sums (avg = sum / n).
    /// </summary>
    private const string AllTiers = """
        (SELECT time, 1::bigint AS n, value::bigint AS x, value_y::bigint AS y, value_z::bigint AS z, axes FROM telemetry WHERE modem_id = @m AND sensor = @s AND time BETWEEN @from AND @to
         UNION ALL SELECT time, count, value_sum, y_sum, z_sum, axes FROM telemetry_minute WHERE modem_id = @m AND sensor = @s AND time BETWEEN @from AND @to
         UNION ALL SELECT time, count, value_sum, y_sum, z_sum, axes FROM telemetry_hour WHERE modem_id = @m AND sensor = @s AND time BETWEEN @from AND @to) AS readings
        """;
}
