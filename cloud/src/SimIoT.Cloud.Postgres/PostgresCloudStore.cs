using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Postgres;

/// <summary>The distributed profile's store; the schema Grafana reads (<see cref="PostgresSchema"/>).</summary>
public sealed partial class PostgresCloudStore : ITelemetryStore, IModemStore, ICommandStore, IStoreProbe, IDisposable
{
    private const string ModemColumns = "modem_id, nickname, protocol, master_key, registered_at, carrier, last_seen, endpoint, uplink_highest, uplink_bitmap, deleted_at, organization, tags, downlink_endpoint";
    private const string CommandColumns = "command_id, modem_id, carrier, state, attempts, created_at, updated_at, result_carrier, detail, ttl_seconds, max_attempts";
    private readonly NpgsqlDataSource _source;

    private readonly ModemKeyProtector? _keys;
    private readonly TimeProvider _time;

    /// <param name="keys">Null only for the command line's identity commands, which never touch master keys.</param>
    /// <param name="time">The clock that says which days' partitions to make ahead (system clock by default).</param>
    public PostgresCloudStore(IOptions<StoreOptions> options, ILogger<PostgresCloudStore> logger, ModemKeyProtector? keys = null, TimeProvider? time = null)
    {
        _keys = keys;
        _time = time ?? TimeProvider.System;
        _source = NpgsqlDataSource.Create(options.Value.Postgres ?? throw new InvalidOperationException("Store:Postgres is not set"));
        int applied = Migrate(logger);
        MigrateRetention(logger);
        MigratePartitions(logger);
        MigrateBulkCommands(logger);
        if (_keys is not null) RewrapKeys(_keys);
        logger.LogInformation("PostgreSQL schema at version {Version}", applied);
    }

    /// <summary>Applies the missing migrations; returns the schema version.</summary>
    private int Migrate(ILogger logger)
    {
        using var connection = PostgresStartup.Open(_source, logger);
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, "SELECT pg_advisory_xact_lock(7345201)");
        Execute(connection, tx, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, tx);
        int version = (int)read.ExecuteScalar()!;
        for (int i = version; i < PostgresSchema.Migrations.Count; i++)
        {
            Execute(connection, tx, PostgresSchema.Migrations[i]);
            Execute(connection, tx, $"INSERT INTO schema_version (version) VALUES ({i + 1})");
        }
        MigrateFleet(connection, tx, logger);
        MigrateCommandControl(connection, tx);
        tx.Commit();
        return PostgresSchema.Migrations.Count;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }

    private NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _source.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public async Task ProbeWriteAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var probe = new NpgsqlCommand(
            "INSERT INTO telemetry (time, modem_id, sensor, device_id, value, axes) VALUES ('epoch', '~probe', '~probe', 0, 0, 1) ON CONFLICT DO NOTHING; DELETE FROM telemetry WHERE modem_id = '~probe' AND time = 'epoch'",
            connection, tx))
            await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken)
    {
        // COPY cannot skip rows the table already has, so the batch lands in a temporary table
        // first and moves over with ON CONFLICT DO NOTHING: a reading stored twice stays one row.
        await EnsurePartitionsAsync(points.Select(p => DateOnly.FromDateTime(p.Timestamp)), cancellationToken).ConfigureAwait(false);
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var stage = new NpgsqlCommand("CREATE TEMP TABLE IF NOT EXISTS telemetry_incoming (LIKE telemetry) ON COMMIT DELETE ROWS", connection, tx))
            await stage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await CopyAsync(connection, points, cancellationToken).ConfigureAwait(false);
        await using (var move = new NpgsqlCommand(
            "INSERT INTO telemetry (time, modem_id, sensor, device_id, value, value_y, value_z, axes) SELECT time, modem_id, sensor, device_id, value, value_y, value_z, axes FROM telemetry_incoming ON CONFLICT DO NOTHING",
            connection, tx))
            await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY telemetry_incoming (time, modem_id, sensor, device_id, value, value_y, value_z, axes) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var p in points)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(p.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(p.ModemId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(p.Sensor, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync((int)p.DeviceId, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(p.Values[0], NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            if (p.Values.Length > 1) await copy.WriteAsync(p.Values[1], NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            else await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            if (p.Values.Length > 2) await copy.WriteAsync(p.Values[2], NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            else await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync((short)p.Values.Length, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
        }
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TelemetrySample>> QueryAsync(ModemId modemId, string sensor, DateTime from, DateTime to, int maxPoints, CancellationToken cancellationToken)
    {
        var range = new (string, object?)[] { ("m", modemId.ToString()), ("s", sensor), ("from", from), ("to", to) };
        long count;
        DateTime first, last;
        await using (var stats = Command($"SELECT COUNT(*), MIN(time), MAX(time) FROM {AllTiers}", range))
        await using (var reader = await stats.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            count = reader.GetInt64(0);
            if (count == 0) return [];
            first = reader.GetDateTime(1);
            last = reader.GetDateTime(2);
        }
        long widthMicros = (last - first).Ticks / TimeSpan.TicksPerMicrosecond / maxPoints + 1;
        string sql = count <= maxPoints
            ? $"SELECT time, ROUND(x::numeric / n)::integer, ROUND(y::numeric / n)::integer, ROUND(z::numeric / n)::integer, axes FROM {AllTiers} ORDER BY time"
            : $"""
               SELECT MIN(time), ROUND(SUM(x)::numeric / SUM(n))::integer, ROUND(SUM(y)::numeric / SUM(n))::integer, ROUND(SUM(z)::numeric / SUM(n))::integer, MAX(axes)
               FROM {AllTiers}
               GROUP BY floor(extract(epoch FROM time - @first) * 1000000 / @width) ORDER BY 1
               """;
        await using var query = Command(sql, [.. range, ("first", first), ("width", widthMicros)]);
        await using var rows = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var samples = new List<TelemetrySample>();
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            int axes = Math.Clamp((int)rows.GetInt16(4), 1, 3);
            var values = new int[axes];
            for (int i = 0; i < axes; i++) values[i] = rows.IsDBNull(1 + i) ? 0 : rows.GetInt32(1 + i);
            samples.Add(new TelemetrySample(DateTime.SpecifyKind(rows.GetDateTime(0), DateTimeKind.Utc), values));
        }
        return samples;
    }

    public async Task<IReadOnlyList<ModemRecord>> ListModemsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {ModemColumns} FROM modems WHERE deleted_at IS NULL ORDER BY modem_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var modems = new List<ModemRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) modems.Add(ReadModem(reader));
        return modems;
    }

    public async Task<(ModemRecord? Modem, bool Deleted)> FindModemAsync(ModemId id, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {ModemColumns} FROM modems WHERE modem_id = @id", ("id", id.ToString()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return (null, false);
        return reader.IsDBNull(10) ? (ReadModem(reader), false) : (null, true);
    }

    private static DateTime Utc(NpgsqlDataReader r, int i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);

    private ModemRecord ReadModem(NpgsqlDataReader r) => new(
        ModemId.Parse(r.GetString(0)), r.GetString(1), r.GetString(2) == "v1" ? ModemProtocol.V1 : ModemProtocol.V2,
        r.IsDBNull(3) ? null : Keys.Unprotect(ModemId.Parse(r.GetString(0)), (byte[])r[3]), Utc(r, 4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : Utc(r, 6),
        r.IsDBNull(7) ? null : r.GetString(7), (uint)r.GetInt64(8), unchecked((ulong)r.GetInt64(9)), r.GetString(11),
        ModemTags.Decode(r.IsDBNull(12) ? null : r.GetString(12)), r.IsDBNull(13) ? null : r.GetString(13));

    public async Task<bool> AddModemAsync(ModemRecord modem, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            INSERT INTO modems (modem_id, nickname, protocol, master_key, registered_at, endpoint, organization)
            VALUES (@id, @nick, @proto, @key, @at, @endpoint, @org)
            ON CONFLICT (modem_id) DO UPDATE SET nickname = @nick, protocol = @proto, master_key = @key, registered_at = @at,
                deleted_at = NULL, carrier = NULL, last_seen = NULL, endpoint = @endpoint, uplink_highest = 0, uplink_bitmap = 0,
                tags = NULL, downlink_endpoint = NULL
            WHERE modems.deleted_at IS NOT NULL AND modems.organization = @org
            """,
            ("id", modem.Id.ToString()), ("nick", modem.Nickname), ("proto", modem.Protocol == ModemProtocol.V1 ? "v1" : "v2"),
            ("key", modem.MasterKey is { } key ? Keys.Protect(modem.Id, key) : null), ("at", modem.RegisteredAt), ("endpoint", modem.Endpoint), ("org", modem.Organization));
        command.Parameters["key"].NpgsqlDbType = NpgsqlDbType.Bytea;
        command.Parameters["endpoint"].NpgsqlDbType = NpgsqlDbType.Text;
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> DeleteModemAsync(ModemId id, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command("UPDATE modems SET deleted_at = @now WHERE modem_id = @id AND deleted_at IS NULL", ("id", id.ToString()), ("now", now));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task UpdateRuntimeAsync(IReadOnlyList<ModemRuntime> updates, CancellationToken cancellationToken)
    {
        await using var batch = _source.CreateBatch();
        foreach (var u in updates)
        {
            var command = new NpgsqlBatchCommand("""
                UPDATE modems SET last_seen = @seen, endpoint = COALESCE(@endpoint, endpoint), carrier = COALESCE(@carrier, carrier),
                    uplink_highest = @high, uplink_bitmap = @bitmap
                WHERE modem_id = @id AND deleted_at IS NULL
                """);
            command.Parameters.AddWithValue("id", u.Id.ToString());
            command.Parameters.AddWithValue("seen", u.LastSeen);
            command.Parameters.AddWithValue("endpoint", NpgsqlDbType.Text, (object?)u.Endpoint ?? DBNull.Value);
            command.Parameters.AddWithValue("carrier", NpgsqlDbType.Text, (object?)u.Carrier ?? DBNull.Value);
            command.Parameters.AddWithValue("high", (long)u.UplinkHighest);
            command.Parameters.AddWithValue("bitmap", unchecked((long)u.UplinkBitmap));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<uint> ReserveDownlinkSequencesAsync(ModemId id, uint count, CancellationToken cancellationToken)
    {
        await using var command = Command("UPDATE modems SET downlink_reserved = downlink_reserved + @n WHERE modem_id = @id RETURNING downlink_reserved",
            ("id", id.ToString()), ("n", (long)count));
        var top = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"modem {id} is not stored");
        return (uint)((long)top - count + 1);
    }

    public async Task<CommandRecord> CreateCommandAsync(ModemId modemId, string carrier, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = Command("""
            INSERT INTO commands (modem_id, carrier, state, attempts, created_at, updated_at) VALUES (@m, @c, 'queued', 0, @now, @now)
            RETURNING command_id
            """, ("m", modemId.ToString()), ("c", carrier), ("now", now));
        uint id = (uint)(int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new CommandRecord(id, modemId, carrier, CommandState.Queued, 0, now, now);
    }

    private async Task<List<CommandRecord>> ReadCommandsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<CommandRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new CommandRecord((uint)r.GetInt32(0), ModemId.Parse(r.GetString(1)), r.GetString(2),
                CommandStates.TryParse(r.GetString(3), out var state) ? state : CommandState.Queued,
                r.GetInt32(4), Utc(r, 5), Utc(r, 6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                r.IsDBNull(9) ? null : TimeSpan.FromSeconds(r.GetInt32(9)), r.IsDBNull(10) ? null : r.GetInt32(10)));
        }
        return list;
    }

    public async Task<CommandRecord?> FindCommandAsync(uint id, CancellationToken cancellationToken)
    {
        if (id > int.MaxValue) return null;
        await using var command = Command($"SELECT {CommandColumns} FROM commands WHERE command_id = @id", ("id", (int)id));
        return (await ReadCommandsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(ModemId modemId, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {CommandColumns} FROM commands WHERE modem_id = @m ORDER BY command_id DESC LIMIT @limit",
            ("m", modemId.ToString()), ("limit", limit));
        return await ReadCommandsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CommandRecord>> ListOpenCommandsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {CommandColumns} FROM commands WHERE state IN ('queued', 'sent') ORDER BY command_id");
        return await ReadCommandsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task ApplyAsync(CommandStateChange change, CancellationToken cancellationToken)
    {
        if (change.CommandId > int.MaxValue) return;
        await using var command = Command("""
            UPDATE commands SET state = @state, attempts = GREATEST(attempts, @attempts), updated_at = @at,
                result_carrier = COALESCE(@result, result_carrier), detail = COALESCE(@detail, detail)
            WHERE command_id = @id AND state IN ('queued', 'sent') AND NOT (state = 'sent' AND @state = 'queued')
            """,
            ("id", (int)change.CommandId), ("state", change.State), ("attempts", change.Attempts), ("at", DateTime.SpecifyKind(change.At, DateTimeKind.Utc)),
            ("result", change.ResultCarrier), ("detail", change.Detail));
        command.Parameters["result"].NpgsqlDbType = NpgsqlDbType.Text;
        command.Parameters["detail"].NpgsqlDbType = NpgsqlDbType.Text;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _source.Dispose();
}
