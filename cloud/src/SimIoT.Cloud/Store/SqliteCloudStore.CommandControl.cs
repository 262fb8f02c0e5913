using SimIoT.Cloud.Commands;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>Cancel and claim: conditional updates, serialized by the store's lock.</summary>
public sealed partial class SqliteCloudStore : ICommandControlStore
{
    private void MigrateCommandControl()
    {
        using var command = _connection.CreateCommand();
        AlterUnlessColumn(command, "commands", "ttl_seconds", "ALTER TABLE commands ADD COLUMN ttl_seconds INTEGER; ALTER TABLE commands ADD COLUMN max_attempts INTEGER;");
        command.CommandText = "CREATE INDEX IF NOT EXISTS commands_open_by_modem ON commands (modem_id) WHERE state IN ('queued', 'sent')";
        command.ExecuteNonQuery();
    }

    public Task<CommandRecord?> TryCreateCommandAsync(ModemId modemId, string carrier, DateTime now, TimeSpan? timeToLive, int? maxAttempts, int maxOpen, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        int? ttl = timeToLive is { } t ? (int)t.TotalSeconds : null;
        using var command = Command(c, $"""
            INSERT INTO commands (modem_id, carrier, state, attempts, created_at, updated_at, ttl_seconds, max_attempts)
            SELECT $m, $c, 'queued', 0, $now, $now, $ttl, $max
            WHERE {CommandSql.UnderOpenCap("$m", "$open")}
            RETURNING command_id
            """, ("$m", modemId.ToString()), ("$c", carrier), ("$now", now), ("$ttl", ttl), ("$max", maxAttempts), ("$open", maxOpen));
        return command.ExecuteScalar() is long id
            ? new CommandRecord((uint)id, modemId, carrier, CommandState.Queued, 0, now, now, TimeToLive: timeToLive, MaxAttempts: maxAttempts)
            : null;
    }, cancellationToken);

    public Task<CommandRecord?> CancelCommandAsync(uint id, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using (var cancel = Command(c, "UPDATE commands SET state = 'cancelled', updated_at = $at WHERE command_id = $id AND state = 'queued'",
            ("$id", (long)id), ("$at", now)))
            cancel.ExecuteNonQuery();
        using var read = Command(c, $"SELECT {CommandColumns} FROM commands WHERE command_id = $id", ("$id", (long)id));
        return ReadCommands(read).FirstOrDefault();
    }, cancellationToken);

    public Task<bool> ClaimCommandAsync(uint id, int attempt, DateTime now, CancellationToken cancellationToken) => LockedAsync(c =>
    {
        using var claim = Command(c, """
            UPDATE commands SET state = 'sent', attempts = MAX(attempts, $attempt), updated_at = $at
            WHERE command_id = $id AND state IN ('queued', 'sent')
            """, ("$id", (long)id), ("$attempt", attempt), ("$at", now));
        if (claim.ExecuteNonQuery() == 1) return true;
        using var known = Command(c, "SELECT COUNT(*) FROM commands WHERE command_id = $id", ("$id", (long)id));
        return (long)known.ExecuteScalar()! == 0;
    }, cancellationToken);
}
