using SimIoT.Cloud.Commands;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>
/// Bulk commands: one ordinary command per modem, each tied to the bulk by its id, created a
/// batch at a time so no single transaction holds the store for long.
/// </summary>
public interface IBulkCommandStore
{
    /// <summary>Records a new bulk (no commands yet) and gives its id.</summary>
    Task<long> CreateBulkAsync(string organization, string carrier, string selection, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction, a queued command of the bulk for each of <paramref name="modems"/> that is an
    /// active modem of <paramref name="organization"/> with fewer than <paramref name="maxOpen"/> open
    /// (queued or sent) commands, the same cap a single request meets; the others are skipped.
    /// Gives the commands made.
    /// </summary>
    Task<IReadOnlyList<CommandRecord>> AddBulkCommandsAsync(long bulkId, string organization, IReadOnlyList<ModemId> modems, string carrier, int maxOpen, DateTime now, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> are active modems of <paramref name="organization"/>.</summary>
    Task<IReadOnlyList<ModemId>> ActiveModemsAsync(string organization, IReadOnlyList<ModemId> ids, CancellationToken cancellationToken);

    /// <summary>The bulk with its commands counted per state; null when the organization has no such bulk.</summary>
    Task<BulkCommand?> FindBulkAsync(long bulkId, string organization, CancellationToken cancellationToken);
}
