using Microsoft.Data.Sqlite;
using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>The fleet queries (paging, filters, counts), renaming and tagging.</summary>
public sealed partial class SqliteCloudStore : IFleetStore
{
    // The modem columns without the master key: a fleet page never needs it.
    private static readonly string FleetColumns = ModemColumns.Replace("master_key", "NULL");

    /// <summary>Tags, legacy downlink endpoints and the fleet's indexes; files from before them get them once.</summary>
    private void MigrateFleet()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('modems') WHERE name = 'tags'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            command.CommandText = "ALTER TABLE modems ADD COLUMN tags TEXT; ALTER TABLE modems ADD COLUMN downlink_endpoint TEXT;";
            command.ExecuteNonQuery();
        }
        command.CommandText = FleetSql.Sqlite.Indexes + CarrierOnAck + CommandHistorySchema;
        command.ExecuteNonQuery();
        // The nickname trigrams: a file from before them gets the table filled from its modems,
        // in the transaction that creates it, so no modem is ever missing from it.
        command.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE name = '{SqliteTrigrams.Table}'";
        bool create = (long)command.ExecuteScalar()! == 0;
        using var tx = _connection.BeginTransaction();
        command.Transaction = tx;
        command.CommandText = SqliteTrigrams.Schema(create);
        command.ExecuteNonQuery();
        tx.Commit();
    }

    // An acked switch and the modem's new carrier are one change for readers: the trigger writes
    // the carrier in the statement (so the transaction) that records the command acked.
    private const string CarrierOnAck = """
        CREATE TRIGGER IF NOT EXISTS commands_acked_sets_carrier AFTER UPDATE OF state ON commands
        WHEN NEW.state = 'acked' AND OLD.state <> 'acked' AND NEW.result_carrier IS NOT NULL
        BEGIN
            UPDATE modems SET carrier = NEW.result_carrier WHERE modem_id = NEW.modem_id;
        END;
        """;

    public Task<IReadOnlyList<ModemRecord>> QueryModemsAsync(ModemFilter filter, ModemSort sort, ModemCursor? after, int limit, CancellationToken cancellationToken) => LockedAsync<IReadOnlyList<ModemRecord>>(c =>
    {
        var (sql, parameters) = FleetSql.Sqlite.Page(FleetColumns, filter, sort, after, limit, Narrow(c, filter));
        using var command = Command(c, sql, [.. parameters]);
        using var reader = command.ExecuteReader();
        var modems = new List<ModemRecord>();
        while (reader.Read()) modems.Add(ReadModem(reader));
        return modems;
    }, cancellationToken);

    public Task<long> CountModemsAsync(ModemFilter filter, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        var (sql, parameters) = FleetSql.Sqlite.Count(filter, Narrow(c, filter));
        using var command = Command(c, sql, [.. parameters]);
        return (long)command.ExecuteScalar()!;
    }, cancellationToken);

    /// <summary>
    /// Whether a nickname search reads its candidates from the trigram table: yes when they are
    /// fewer than <see cref="MaxSearchCandidates"/>. A q in thousands of nicknames ("valve") is
    /// found sooner by walking the order's index (a page of matches is near its start) than by
    /// looking every candidate up and sorting them.
    /// </summary>
    private static bool Narrow(SqliteConnection c, ModemFilter filter)
    {
        if (FleetSql.Sqlite.Candidates(filter, MaxSearchCandidates) is not var (sql, parameters)) return false;
        using var command = Command(c, sql, [.. parameters]);
        return (long)command.ExecuteScalar()! < MaxSearchCandidates;
    }

    // A thousand lookups and a sort of a thousand rows take about a millisecond. More candidates
    // than that, in an organization of 100,000 alone, are at least 1 % of it, so a page's walk
    // meets its 100 matches within some 10,000 rows (and a count reads the covering index, as before).
    private const int MaxSearchCandidates = 1000;

    public Task<ModemRecord?> PatchModemAsync(ModemId id, ModemPatch patch, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        var (sql, parameters) = FleetSql.Sqlite.Patch(id, patch, "");
        using var update = Command(c, sql, [.. parameters]);
        if (update.ExecuteNonQuery() != 1) return null;
        using var read = Command(c, $"SELECT {FleetColumns} FROM modems WHERE modem_id = $id", ("$id", id.ToString()));
        using var reader = read.ExecuteReader();
        return reader.Read() ? ReadModem(reader) : null;
    }, cancellationToken);

    public Task AddModemsAsync(IReadOnlyList<ModemRecord> modems, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        const string Columns = "modem_id, nickname, protocol, master_key, registered_at, carrier, last_seen, endpoint, organization, tags, downlink_endpoint";
        using var tx = c.BeginTransaction();
        // The rows go into modems in one statement: the trigram table's trigger then runs in one
        // statement too, and FTS5 writes its index once instead of once per row (6x slower).
        using (var stage = Command(c, $"CREATE TEMP TABLE new_modems AS SELECT {Columns} FROM modems WHERE 0"))
        {
            stage.Transaction = tx;
            stage.ExecuteNonQuery();
        }
        using (var insert = Command(c, $"""
            INSERT INTO temp.new_modems ({Columns})
            VALUES ($id, $nick, $proto, $key, $at, $carrier, $seen, $endpoint, $org, $tags, $downlink)
            """, ("$id", null), ("$nick", null), ("$proto", null), ("$key", null), ("$at", null), ("$carrier", null), ("$seen", null),
            ("$endpoint", null), ("$org", null), ("$tags", null), ("$downlink", null)))
        {
            insert.Transaction = tx;
            foreach (var m in modems)
            {
                object?[] values = [m.Id.ToString(), m.Nickname, m.Protocol == ModemProtocol.V1 ? "v1" : "v2", m.MasterKey is { } key ? Keys.Protect(m.Id, key) : null,
                    m.RegisteredAt, m.Carrier, m.LastSeen, m.Endpoint, m.Organization, ModemTags.Encode(m.Tags), m.DownlinkEndpoint];
                for (int i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i] ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }
        using var move = Command(c, $"INSERT INTO modems ({Columns}) SELECT {Columns} FROM temp.new_modems; DROP TABLE temp.new_modems;");
        move.Transaction = tx;
        move.ExecuteNonQuery();
        tx.Commit();
        return 0;
    }, cancellationToken);
}
