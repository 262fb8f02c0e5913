using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>
/// The embedded profile's store: one SQLite file (WAL) behind one connection, used under a
/// lock: SQLite serialises writers anyway, and one connection keeps prepared statements warm.
/// </summary>
public sealed partial class SqliteCloudStore : ITelemetryStore, IModemStore, ICommandStore, IStoreProbe, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        PRAGMA secure_delete = ON;
        CREATE TABLE IF NOT EXISTS modems (
            modem_id TEXT PRIMARY KEY,
            nickname TEXT NOT NULL,
            protocol TEXT NOT NULL,
            master_key BLOB,
            registered_at TEXT NOT NULL,
            deleted_at TEXT,
            carrier TEXT,
            last_seen TEXT,
            endpoint TEXT,
            uplink_highest INTEGER NOT NULL DEFAULT 0,
            uplink_bitmap INTEGER NOT NULL DEFAULT 0,
            downlink_reserved INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS commands (
            command_id INTEGER PRIMARY KEY AUTOINCREMENT,
            modem_id TEXT NOT NULL,
            carrier TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            result_carrier TEXT,
            detail TEXT);
        CREATE INDEX IF NOT EXISTS commands_by_modem ON commands (modem_id, command_id);
        CREATE TABLE IF NOT EXISTS telemetry (
            modem_id TEXT NOT NULL,
            sensor TEXT NOT NULL,
            device_id INTEGER NOT NULL,
            time_us INTEGER NOT NULL,
            value INTEGER NOT NULL,
            value_y INTEGER,
            value_z INTEGER,
            axes INTEGER NOT NULL);
        """;

    // A reading is its modem, device and sample time: a frame stored again after a crash (the
    // replay window had not been flushed) must not make a second row. Files from before this
    // index lose their duplicates once, when it is created.
    private const string UniqueReadings = """
        DELETE FROM telemetry WHERE rowid NOT IN (SELECT MIN(rowid) FROM telemetry GROUP BY modem_id, sensor, time_us, device_id);
        CREATE UNIQUE INDEX telemetry_reading ON telemetry (modem_id, sensor, time_us, device_id);
        DROP INDEX IF EXISTS telemetry_by_modem_sensor_time;
        """;

    private const string ModemColumns = "modem_id, nickname, protocol, master_key, registered_at, carrier, last_seen, endpoint, uplink_highest, uplink_bitmap, deleted_at, organization, tags, downlink_endpoint";
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SqliteConnection _connection;

    private readonly ModemKeyProtector? _keys;

    /// <param name="keys">Null only for the command line's identity commands, which never touch master keys.</param>
    public SqliteCloudStore(IOptions<StoreOptions> options, ModemKeyProtector? keys = null)
    {
        _keys = keys;
        var dir = System.IO.Path.GetFullPath(options.Value.DataDir);
        Directory.CreateDirectory(dir);
        FilePath = System.IO.Path.Combine(dir, "simiot.db");
        if (!File.Exists(FilePath) && !options.Value.Init)
            throw new InvalidOperationException($"No database at {FilePath}. Start with --init (Store:Init=true) to create an empty store there; without it a mistyped --data or a lost volume would look like an empty fleet.");
        CreateOwnerOnly(FilePath);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        _connection.Open();
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size = {-1024L * Math.Max(1, options.Value.SqliteCacheMiB)}";
        command.ExecuteNonQuery();
        command.CommandText = Schema;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'telemetry_reading'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            using var tx = _connection.BeginTransaction();
            command.Transaction = tx;
            command.CommandText = UniqueReadings;
            command.ExecuteNonQuery();
            tx.Commit();
        }
        MigrateIdentity();
        MigrateFleet();
        MigrateCommandControl();
        MigrateRetention();
        MigrateBulkCommands();
        if (_keys is not null) RewrapKeys(_keys);
        _identity = FileIdentity.Of(FilePath);
    }

    public string FilePath { get; }

    private readonly FileIdentity? _identity;

    /// <summary>
    /// Throws when the file at the path is no longer the file this connection writes (deleted,
    /// moved away or replaced): writes would go into a file nobody opens again.
    /// </summary>
    private void CheckFile()
    {
        if (_identity is null) return;
        var now = FileIdentity.Of(FilePath);
        if (now != _identity)
            throw new IOException(now is null
                ? $"The database file {FilePath} is gone (deleted or moved) while the cloud writes it"
                : $"The database file {FilePath} was replaced by another file while the cloud writes it");
    }

    public Task ProbeWriteAsync(CancellationToken cancellationToken) => LockedAsync(c =>
    {
        CheckFile();
        using var tx = c.BeginTransaction();
        using var probe = Command(c, "INSERT OR REPLACE INTO telemetry (modem_id, sensor, device_id, time_us, value, axes) VALUES ('~probe', '~probe', 0, 0, 0, 1); DELETE FROM telemetry WHERE modem_id = '~probe'");
        probe.Transaction = tx;
        probe.ExecuteNonQuery();
        tx.Commit();
        return 0;
    }, cancellationToken);

    private static long Micros(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    private static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);

    private static DateTime Utc(SqliteDataReader reader, int i) => DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc);

    private async Task<T> LockedAsync<T>(Func<SqliteConnection, T> action, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CheckSharedMemory();
            return action(_connection);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Runs <paramref name="alter"/> on a file whose <paramref name="table"/> lacks <paramref name="column"/> (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    private static void AlterUnlessColumn(SqliteCommand command, string table, string column, string alter)
    {
        command.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)command.ExecuteScalar()! != 0) return;
        command.CommandText = alter;
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public Task WriteAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        CheckFile();
        using var tx = c.BeginTransaction();
        WriteTelemetry(c, points);
        tx.Commit();
        return 0;
    }, cancellationToken);

    public Task<IReadOnlyList<TelemetrySample>> QueryAsync(ModemId modemId, string sensor, DateTime from, DateTime to, int maxPoints, CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<TelemetrySample>>(c =>
    {
        var range = new (string, object?)[] { ("$m", modemId.ToString()), ("$s", sensor), ("$from", Micros(from)), ("$to", Micros(to)) };
        long count, first, last;
        using (var stats = Command(c, $"SELECT COUNT(*), MIN(time_us), MAX(time_us) FROM {AllTiers}", range))
        using (var reader = stats.ExecuteReader())
        {
            reader.Read();
            count = reader.GetInt64(0);
            if (count == 0) return [];
            first = reader.GetInt64(1);
            last = reader.GetInt64(2);
        }
        string sql = count <= maxPoints
            ? $"SELECT time_us, CAST(ROUND(1.0 * x / n) AS INTEGER), CAST(ROUND(1.0 * y / n) AS INTEGER), CAST(ROUND(1.0 * z / n) AS INTEGER), axes FROM {AllTiers} ORDER BY time_us"
            : $"""
               SELECT MIN(time_us), CAST(ROUND(1.0 * SUM(x) / SUM(n)) AS INTEGER), CAST(ROUND(1.0 * SUM(y) / SUM(n)) AS INTEGER), CAST(ROUND(1.0 * SUM(z) / SUM(n)) AS INTEGER), MAX(axes)
               FROM {AllTiers} GROUP BY (time_us - $first) / $width ORDER BY 1
               """;
        long width = (last - first) / maxPoints + 1;
        using var query = Command(c, sql, [.. range, ("$first", first), ("$width", width)]);
        using var rows = query.ExecuteReader();
        var samples = new List<TelemetrySample>();
        while (rows.Read()) samples.Add(new TelemetrySample(FromMicros(rows.GetInt64(0)), ValuesOf(rows, 1)));
        return samples;
    }, cancellationToken);

    private static int[] ValuesOf(SqliteDataReader rows, int offset)
    {
        int axes = Math.Clamp(rows.GetInt32(offset + 3), 1, 3);
        var values = new int[axes];
        for (int i = 0; i < axes; i++) values[i] = rows.IsDBNull(offset + i) ? 0 : rows.GetInt32(offset + i);
        return values;
    }

    public Task<IReadOnlyList<ModemRecord>> ListModemsAsync(CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<ModemRecord>>(c =>
    {
        using var command = Command(c, $"SELECT {ModemColumns} FROM modems WHERE deleted_at IS NULL ORDER BY modem_id");
        using var reader = command.ExecuteReader();
        var modems = new List<ModemRecord>();
        while (reader.Read()) modems.Add(ReadModem(reader));
        return modems;
    }, cancellationToken);

    public Task<(ModemRecord? Modem, bool Deleted)> FindModemAsync(ModemId id, CancellationToken cancellationToken) => LockedAsync<(ModemRecord?, bool)>(c =>
    {
        using var command = Command(c, $"SELECT {ModemColumns} FROM modems WHERE modem_id = $id", ("$id", id.ToString()));
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return (null, false);
        return reader.IsDBNull(10) ? (ReadModem(reader), false) : (null, true);
    }, cancellationToken);

    private ModemRecord ReadModem(SqliteDataReader r) => new(
        ModemId.Parse(r.GetString(0)),
        r.GetString(1),
        r.GetString(2) == "v1" ? ModemProtocol.V1 : ModemProtocol.V2,
        r.IsDBNull(3) ? null : Keys.Unprotect(ModemId.Parse(r.GetString(0)), (byte[])r[3]),
        Utc(r, 4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.IsDBNull(6) ? null : Utc(r, 6),
        r.IsDBNull(7) ? null : r.GetString(7),
        (uint)r.GetInt64(8),
        unchecked((ulong)r.GetInt64(9)),
        r.GetString(11),
        ModemTags.Decode(r.IsDBNull(12) ? null : r.GetString(12)),
        r.IsDBNull(13) ? null : r.GetString(13));

    public Task<bool> AddModemAsync(ModemRecord modem, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        // A deleted modem may be registered again: it gets a fresh row but keeps its downlink
        // reservation, so a re-registered SIM with the same key never sees a sequence twice.
        using var command = Command(c, """
            INSERT INTO modems (modem_id, nickname, protocol, master_key, registered_at, endpoint, organization)
            VALUES ($id, $nick, $proto, $key, $at, $endpoint, $org)
            ON CONFLICT (modem_id) DO UPDATE SET nickname = $nick, protocol = $proto, master_key = $key, registered_at = $at,
                deleted_at = NULL, carrier = NULL, last_seen = NULL, endpoint = $endpoint, uplink_highest = 0, uplink_bitmap = 0,
                tags = NULL, downlink_endpoint = NULL
            WHERE modems.deleted_at IS NOT NULL AND modems.organization = $org
            """,
            ("$id", modem.Id.ToString()), ("$nick", modem.Nickname), ("$proto", modem.Protocol == ModemProtocol.V1 ? "v1" : "v2"),
            ("$key", modem.MasterKey is { } key ? Keys.Protect(modem.Id, key) : null), ("$at", modem.RegisteredAt), ("$endpoint", modem.Endpoint), ("$org", modem.Organization));
        return command.ExecuteNonQuery() == 1;
    }, cancellationToken);

    public Task<bool> DeleteModemAsync(ModemId id, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "UPDATE modems SET deleted_at = $now WHERE modem_id = $id AND deleted_at IS NULL", ("$id", id.ToString()), ("$now", now));
        return command.ExecuteNonQuery() == 1;
    }, cancellationToken);

    public Task UpdateRuntimeAsync(IReadOnlyList<ModemRuntime> updates, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var tx = c.BeginTransaction();
        // One statement for the whole flush, its parameters bound anew per modem: parsing and
        // preparing it per modem (1,000 modems a second) was a tenth of the cloud's CPU at ingest.
        using var command = Command(c, """
            UPDATE modems SET last_seen = $seen, endpoint = COALESCE($endpoint, endpoint), carrier = COALESCE($carrier, carrier),
                uplink_highest = $high, uplink_bitmap = $bitmap
            WHERE modem_id = $id AND deleted_at IS NULL
            """);
        command.Transaction = tx;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var seen = command.Parameters.Add("$seen", SqliteType.Text);
        var endpoint = command.Parameters.Add("$endpoint", SqliteType.Text);
        var carrier = command.Parameters.Add("$carrier", SqliteType.Text);
        var high = command.Parameters.Add("$high", SqliteType.Integer);
        var bitmap = command.Parameters.Add("$bitmap", SqliteType.Integer);
        command.Prepare();
        foreach (var u in updates)
        {
            id.Value = u.Id.ToString();
            seen.Value = u.LastSeen;
            endpoint.Value = (object?)u.Endpoint ?? DBNull.Value;
            carrier.Value = (object?)u.Carrier ?? DBNull.Value;
            high.Value = (long)u.UplinkHighest;
            bitmap.Value = unchecked((long)u.UplinkBitmap);
            command.ExecuteNonQuery();
        }
        tx.Commit();
        return 0;
    }, cancellationToken);

    public Task<uint> ReserveDownlinkSequencesAsync(ModemId id, uint count, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "UPDATE modems SET downlink_reserved = downlink_reserved + $n WHERE modem_id = $id RETURNING downlink_reserved",
            ("$id", id.ToString()), ("$n", (long)count));
        var top = command.ExecuteScalar() ?? throw new InvalidOperationException($"modem {id} is not stored");
        return (uint)((long)top - count + 1);
    }, cancellationToken);

    public Task<CommandRecord> CreateCommandAsync(ModemId modemId, string carrier, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, """
            INSERT INTO commands (modem_id, carrier, state, attempts, created_at, updated_at) VALUES ($m, $c, 'queued', 0, $now, $now)
            RETURNING command_id
            """, ("$m", modemId.ToString()), ("$c", carrier), ("$now", now));
        uint id = (uint)(long)command.ExecuteScalar()!;
        return new CommandRecord(id, modemId, carrier, CommandState.Queued, 0, now, now);
    }, cancellationToken);

    private const string CommandColumns = "command_id, modem_id, carrier, state, attempts, created_at, updated_at, result_carrier, detail, ttl_seconds, max_attempts";

    private static CommandRecord ReadCommand(SqliteDataReader r) => new(
        (uint)r.GetInt64(0), ModemId.Parse(r.GetString(1)), r.GetString(2),
        CommandStates.TryParse(r.GetString(3), out var state) ? state : CommandState.Queued,
        r.GetInt32(4), Utc(r, 5), Utc(r, 6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
        r.IsDBNull(9) ? null : TimeSpan.FromSeconds(r.GetInt32(9)), r.IsDBNull(10) ? null : r.GetInt32(10));

    private static List<CommandRecord> ReadCommands(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var list = new List<CommandRecord>();
        while (reader.Read()) list.Add(ReadCommand(reader));
        return list;
    }

    public Task<CommandRecord?> FindCommandAsync(uint id, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, $"SELECT {CommandColumns} FROM commands WHERE command_id = $id", ("$id", (long)id));
        return ReadCommands(command).FirstOrDefault();
    }, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(ModemId modemId, int limit, CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<CommandRecord>>(c =>
    {
        using var command = Command(c, $"SELECT {CommandColumns} FROM commands WHERE modem_id = $m ORDER BY command_id DESC LIMIT $limit",
            ("$m", modemId.ToString()), ("$limit", limit));
        return ReadCommands(command);
    }, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> ListOpenCommandsAsync(CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<CommandRecord>>(c =>
    {
        using var command = Command(c, $"SELECT {CommandColumns} FROM commands WHERE state IN ('queued', 'sent') ORDER BY command_id");
        return ReadCommands(command);
    }, cancellationToken);

    public Task ApplyAsync(CommandStateChange change, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, """
            UPDATE commands SET state = $state, attempts = MAX(attempts, $attempts), updated_at = $at,
                result_carrier = COALESCE($result, result_carrier), detail = COALESCE($detail, detail)
            WHERE command_id = $id AND state IN ('queued', 'sent') AND NOT (state = 'sent' AND $state = 'queued')
            """,
            ("$id", (long)change.CommandId), ("$state", change.State), ("$attempts", change.Attempts), ("$at", change.At),
            ("$result", change.ResultCarrier), ("$detail", change.Detail));
        return command.ExecuteNonQuery();
    }, cancellationToken);

    public void Dispose()
    {
        _connection.Dispose();
        _lock.Dispose();
    }
}
