using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>The fleet as a whole: paged, filtered, counted; renamed and tagged one modem at a time.</summary>
public interface IFleetStore
{
    /// <summary>Up to <paramref name="limit"/> active modems matching the filter, in the sort's order, strictly after <paramref name="after"/>. Without master keys.</summary>
    Task<IReadOnlyList<ModemRecord>> QueryModemsAsync(ModemFilter filter, ModemSort sort, ModemCursor? after, int limit, CancellationToken cancellationToken);

    Task<long> CountModemsAsync(ModemFilter filter, CancellationToken cancellationToken);

    /// <summary>Applies the patch to an active modem and returns it (without its key); null when no such active modem.</summary>
    Task<ModemRecord?> PatchModemAsync(ModemId id, ModemPatch patch, CancellationToken cancellationToken);

    /// <summary>Registers many modems in one transaction (set-up of large fleets for tests and measurements); ids must be new.</summary>
    Task AddModemsAsync(IReadOnlyList<ModemRecord> modems, CancellationToken cancellationToken);
}
