using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Postgres;

/// <summary>Cancel and claim: conditional updates; the row lock orders a concurrent cancel and claim.</summary>
public sealed partial class PostgresCloudStore : ICommandControlStore
{
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
