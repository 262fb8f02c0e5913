using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Postgres;

/// <summary>The fleet queries (paging, filters, counts), renaming and tagging.</summary>
public sealed partial class PostgresCloudStore : IFleetStore
{
    // The modem columns without the master key: a fleet page never needs it.
    private static readonly string FleetColumns = ModemColumns.Replace("master_key", "NULL::bytea");

    /// <summary>Tags, legacy downlink endpoints and the fleet's indexes, idempotent, inside the migration's transaction and lock.</summary>
    private static void MigrateFleet(NpgsqlConnection connection, NpgsqlTransaction tx, ILogger logger)
    {
        Execute(connection, tx, "ALTER TABLE modems ADD COLUMN IF NOT EXISTS tags text; ALTER TABLE modems ADD COLUMN IF NOT EXISTS downlink_endpoint text;");
        Execute(connection, tx, FleetSql.Postgres.Indexes);
        MigrateNicknameTrigrams(connection, tx, logger);
        Execute(connection, tx, CarrierOnAck);
        Execute(connection, tx, CommandHistorySchema);
    }

    /// <summary>The index a nickname search (ILIKE '%q%') reads instead of every modem.</summary>
    public const string NicknameTrigramIndex = "modems_active_nickname_trigrams";

    /// <summary>
    /// pg_trgm and a GIN trigram index of active modems' nicknames, which answers ILIKE '%q%' as
    /// it is written (pg_trgm folds case as ILIKE does; the rows found are checked again). pg_trgm
    /// is a trusted extension (any role that may create in the database may add it), but a role
    /// that may not must still get a cloud: it then searches by scanning, as before, and says so.
    /// </summary>
    private static void MigrateNicknameTrigrams(NpgsqlConnection connection, NpgsqlTransaction tx, ILogger logger)
    {
        tx.Save("trigrams");
        try
        {
            Execute(connection, tx, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
            Execute(connection, tx, $"CREATE INDEX IF NOT EXISTS {NicknameTrigramIndex} ON modems USING gin (nickname gin_trgm_ops) WHERE deleted_at IS NULL");
            tx.Release("trigrams");
        }
        catch (PostgresException e)
        {
            tx.Rollback("trigrams");
            logger.LogWarning("No trigram index for nickname search ({Error}): the fleet's q= scans the organization's modems. A superuser can run CREATE EXTENSION pg_trgm in this database; the next start adds the index", e.MessageText);
        }
    }

    // An acked switch and the modem's new carrier are one change for readers: the trigger writes
    // the carrier in the statement (so the transaction) that records the command acked.
    private const string CarrierOnAck = """
        CREATE OR REPLACE FUNCTION command_acked_sets_carrier() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE modems SET carrier = NEW.result_carrier WHERE modem_id = NEW.modem_id;
            RETURN NEW;
        END $$;
        CREATE OR REPLACE TRIGGER commands_acked_sets_carrier AFTER UPDATE OF state ON commands
            FOR EACH ROW WHEN (NEW.state = 'acked' AND OLD.state <> 'acked' AND NEW.result_carrier IS NOT NULL)
            EXECUTE FUNCTION command_acked_sets_carrier();
        """;

    public async Task<IReadOnlyList<ModemRecord>> QueryModemsAsync(ModemFilter filter, ModemSort sort, ModemCursor? after, int limit, CancellationToken cancellationToken)
    {
        var (sql, parameters) = FleetSql.Postgres.Page(FleetColumns, filter, sort, after, limit);
        await using var command = Command(sql, [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var modems = new List<ModemRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) modems.Add(ReadModem(reader));
        return modems;
    }

    public async Task<long> CountModemsAsync(ModemFilter filter, CancellationToken cancellationToken)
    {
        var (sql, parameters) = FleetSql.Postgres.Count(filter);
        await using var command = Command(sql, [.. parameters]);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<ModemRecord?> PatchModemAsync(ModemId id, ModemPatch patch, CancellationToken cancellationToken)
    {
        var (sql, parameters) = FleetSql.Postgres.Patch(id, patch, "::text");
        await using (var update = Command(sql, [.. parameters]))
            if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1) return null;
        await using var read = Command($"SELECT {FleetColumns} FROM modems WHERE modem_id = @id", ("id", id.ToString()));
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadModem(reader) : null;
    }

    public async Task AddModemsAsync(IReadOnlyList<ModemRecord> modems, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY modems (modem_id, nickname, protocol, master_key, registered_at, carrier, last_seen, endpoint, organization, tags, downlink_endpoint) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var m in modems)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(m.Id.ToString(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(m.Nickname, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(m.Protocol == ModemProtocol.V1 ? "v1" : "v2", NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteAsync(copy, m.MasterKey is { } key ? Keys.Protect(m.Id, key) : null, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(m.RegisteredAt, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteAsync(copy, m.Carrier, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteAsync(copy, m.LastSeen, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await WriteAsync(copy, m.Endpoint, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(m.Organization, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteAsync(copy, ModemTags.Encode(m.Tags), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteAsync(copy, m.DownlinkEndpoint, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await copy.DisposeAsync().ConfigureAwait(false);
        // A bulk load leaves the planner's statistics behind until autovacuum catches up: refresh them now.
        await using var analyze = new NpgsqlCommand("ANALYZE modems", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);
}
