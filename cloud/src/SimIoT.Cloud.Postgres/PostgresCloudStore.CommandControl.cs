using SimIoT.Cloud.Commands;
using Npgsql;
using NpgsqlTypes;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Postgres;

/// <summary>Cancel and claim: conditional updates; the row lock orders a concurrent cancel and claim.</summary>
public sealed partial class PostgresCloudStore : ICommandControlStore
{
    /// <summary>Per-command limits and the index the queue cap counts with; idempotent, inside the migration's transaction.</summary>
    private static void MigrateCommandControl(NpgsqlConnection connection, NpgsqlTransaction tx) => Execute(connection, tx, """
        ALTER TABLE commands ADD COLUMN IF NOT EXISTS ttl_seconds integer;
        ALTER TABLE commands ADD COLUMN IF NOT EXISTS max_attempts integer;
        CREATE INDEX IF NOT EXISTS commands_open_by_modem ON commands (modem_id) WHERE state IN ('queued', 'sent');
        """);

    public async Task<CommandRecord?> TryCreateCommandAsync(ModemId modemId, string carrier, DateTime now, TimeSpan? timeToLive, int? maxAttempts, int maxOpen, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Requests for one modem take its turn (a transaction lock on the modem's id), so the count stays true until the insert.
        await using (var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('commands:' || @m))", connection, tx))
        {
            turn.Parameters.AddWithValue("m", modemId.ToString());
            await turn.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO commands (modem_id, carrier, state, attempts, created_at, updated_at, ttl_seconds, max_attempts)
            SELECT @m, @c, 'queued', 0, @now, @now, @ttl, @max
            WHERE {CommandSql.UnderOpenCap("@m", "@open")}
            RETURNING command_id
            """, connection, tx);
        insert.Parameters.AddWithValue("m", modemId.ToString());
        insert.Parameters.AddWithValue("c", carrier);
        insert.Parameters.AddWithValue("now", DateTime.SpecifyKind(now, DateTimeKind.Utc));
        insert.Parameters.Add(new NpgsqlParameter<int?>("ttl", NpgsqlDbType.Integer) { TypedValue = timeToLive is { } t ? (int)t.TotalSeconds : null });
        insert.Parameters.Add(new NpgsqlParameter<int?>("max", NpgsqlDbType.Integer) { TypedValue = maxAttempts });
        insert.Parameters.AddWithValue("open", (long)maxOpen);
        var id = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id is int created
            ? new CommandRecord((uint)created, modemId, carrier, CommandState.Queued, 0, now, now, TimeToLive: timeToLive, MaxAttempts: maxAttempts)
            : null;
    }

    public async Task<CommandRecord?> CancelCommandAsync(uint id, DateTime now, CancellationToken cancellationToken)
    {
        if (id > int.MaxValue) return null;
        await using (var cancel = Command("UPDATE commands SET state = 'cancelled', updated_at = @at WHERE command_id = @id AND state = 'queued'",
            ("id", (int)id), ("at", DateTime.SpecifyKind(now, DateTimeKind.Utc))))
            await cancel.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await FindCommandAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ClaimCommandAsync(uint id, int attempt, DateTime now, CancellationToken cancellationToken)
    {
        if (id > int.MaxValue) return true;
        await using var claim = Command("""
            WITH claimed AS (
                UPDATE commands SET state = 'sent', attempts = GREATEST(attempts, @attempt), updated_at = @at
                WHERE command_id = @id AND state IN ('queued', 'sent') RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM claimed) OR NOT EXISTS (SELECT 1 FROM commands WHERE command_id = @id)
            """, ("id", (int)id), ("attempt", attempt), ("at", DateTime.SpecifyKind(now, DateTimeKind.Utc)));
        return (bool)(await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
