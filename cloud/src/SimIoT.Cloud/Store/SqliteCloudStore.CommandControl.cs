using SimIoT.Cloud.Commands;

namespace SimIoT.Cloud.Store;

/// <summary>Cancel and claim: conditional updates, serialized by the store's lock.</summary>
public sealed partial class SqliteCloudStore : ICommandControlStore
{
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
