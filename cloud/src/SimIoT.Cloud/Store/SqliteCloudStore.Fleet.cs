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
        command.CommandText = FleetSql.Sqlite.Indexes + CarrierOnAck;
        command.ExecuteNonQuery();
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
        var (sql, parameters) = FleetSql.Sqlite.Page(FleetColumns, filter, sort, after, limit);
        using var command = Command(c, sql, [.. parameters]);
        using var reader = command.ExecuteReader();
        var modems = new List<ModemRecord>();
        while (reader.Read()) modems.Add(ReadModem(reader));
        return modems;
    }, cancellationToken);

    public Task<long> CountModemsAsync(ModemFilter filter, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        var (sql, parameters) = FleetSql.Sqlite.Count(filter);
        using var command = Command(c, sql, [.. parameters]);
        return (long)command.ExecuteScalar()!;
    }, cancellationToken);

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
        using var tx = c.BeginTransaction();
        using var insert = Command(c, """
            INSERT INTO modems (modem_id, nickname, protocol, master_key, registered_at, carrier, last_seen, endpoint, organization, tags, downlink_endpoint)
            VALUES ($id, $nick, $proto, $key, $at, $carrier, $seen, $endpoint, $org, $tags, $downlink)
            """, ("$id", null), ("$nick", null), ("$proto", null), ("$key", null), ("$at", null), ("$carrier", null), ("$seen", null),
            ("$endpoint", null), ("$org", null), ("$tags", null), ("$downlink", null));
        insert.Transaction = tx;
        foreach (var m in modems)
        {
            object?[] values = [m.Id.ToString(), m.Nickname, m.Protocol == ModemProtocol.V1 ? "v1" : "v2", m.MasterKey is { } key ? Keys.Protect(m.Id, key) : null,
                m.RegisteredAt, m.Carrier, m.LastSeen, m.Endpoint, m.Organization, ModemTags.Encode(m.Tags), m.DownlinkEndpoint];
            for (int i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
        return 0;
    }, cancellationToken);
}
