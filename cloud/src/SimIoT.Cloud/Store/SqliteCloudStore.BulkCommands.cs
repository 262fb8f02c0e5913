using System.Text.Json;
using SimIoT.Cloud.Commands;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>Bulk commands: a bulk row, and its commands carrying its id (counted per state by an index).</summary>
public sealed partial class SqliteCloudStore : IBulkCommandStore
{
    // The organization's modems, not deleted, among the listed ids: what a bulk may queue for.
    private const string ActiveModemsAmong = "organization = $o AND deleted_at IS NULL AND modem_id IN (SELECT value FROM json_each($ids))";

    private void MigrateBulkCommands()
    {
        using var command = _connection.CreateCommand();
        AlterUnlessColumn(command, "commands", "bulk_id", "ALTER TABLE commands ADD COLUMN bulk_id INTEGER");
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS bulk_commands (
                bulk_id INTEGER PRIMARY KEY AUTOINCREMENT,
                organization TEXT NOT NULL,
                carrier TEXT NOT NULL,
                selection TEXT NOT NULL,
                created_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS commands_by_bulk ON commands (bulk_id, state) WHERE bulk_id IS NOT NULL;
            """;
        command.ExecuteNonQuery();
    }

    public Task<long> CreateBulkAsync(string organization, string carrier, string selection, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var command = Command(c, "INSERT INTO bulk_commands (organization, carrier, selection, created_at) VALUES ($o, $c, $s, $now) RETURNING bulk_id",
            ("$o", organization), ("$c", carrier), ("$s", selection), ("$now", now));
        return (long)command.ExecuteScalar()!;
    }, cancellationToken);

    public Task<IReadOnlyList<CommandRecord>> AddBulkCommandsAsync(long bulkId, string organization, IReadOnlyList<ModemId> modems, string carrier, int maxOpen, DateTime now, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<CommandRecord>>(c =>
        {
            // One statement, so one transaction: the batch is made whole or not at all.
            using var command = Command(c, $"""
                INSERT INTO commands (modem_id, carrier, state, attempts, created_at, updated_at, bulk_id)
                SELECT modem_id, $c, 'queued', 0, $now, $now, $b FROM modems
                WHERE {ActiveModemsAmong} AND {CommandSql.UnderOpenCap("modems.modem_id", "$open")}
                ORDER BY modem_id
                RETURNING command_id, modem_id
                """, ("$c", carrier), ("$now", now), ("$b", bulkId), ("$o", organization), ("$ids", IdsJson(modems)), ("$open", maxOpen));
            using var reader = command.ExecuteReader();
            var made = new List<CommandRecord>(modems.Count);
            while (reader.Read()) made.Add(new CommandRecord((uint)reader.GetInt64(0), ModemId.Parse(reader.GetString(1)), carrier, CommandState.Queued, 0, now, now));
            return made;
        }, cancellationToken);

    public Task<IReadOnlyList<ModemId>> ActiveModemsAsync(string organization, IReadOnlyList<ModemId> ids, CancellationToken cancellationToken) =>
        LockedAsync<IReadOnlyList<ModemId>>(c =>
        {
            using var command = Command(c, $"SELECT modem_id FROM modems WHERE {ActiveModemsAmong}", ("$o", organization), ("$ids", IdsJson(ids)));
            using var reader = command.ExecuteReader();
            var found = new List<ModemId>();
            while (reader.Read()) found.Add(ModemId.Parse(reader.GetString(0)));
            return found;
        }, cancellationToken);

    public Task<BulkCommand?> FindBulkAsync(long bulkId, string organization, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var bulk = Command(c, "SELECT carrier, selection, created_at FROM bulk_commands WHERE bulk_id = $b AND organization = $o", ("$b", bulkId), ("$o", organization));
        using var row = bulk.ExecuteReader();
        if (!row.Read()) return null;
        var (carrier, selection, createdAt) = (row.GetString(0), row.GetString(1), Utc(row, 2));
        using var counts = Command(c, "SELECT state, COUNT(*) FROM commands WHERE bulk_id = $b GROUP BY state", ("$b", bulkId));
        using var reader = counts.ExecuteReader();
        var states = new Dictionary<string, int>();
        while (reader.Read()) states[reader.GetString(0)] = reader.GetInt32(1);
        return new BulkCommand(bulkId, carrier, selection, createdAt, states);
    }, cancellationToken);

    private static string IdsJson(IReadOnlyList<ModemId> ids) => JsonSerializer.Serialize(ids.Select(i => i.ToString()));
}
