using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

public interface IModemStore
{
    /// <summary>Modems not deleted.</summary>
    Task<IReadOnlyList<ModemRecord>> ListModemsAsync(CancellationToken cancellationToken);

    /// <summary>The modem, with <paramref name="deleted"/> true when it existed and was deleted; null when never known.</summary>
    Task<(ModemRecord? Modem, bool Deleted)> FindModemAsync(ModemId id, CancellationToken cancellationToken);

    /// <summary>The organization of a modem ever registered, deleted or not; null when never known.</summary>
    Task<string?> FindOrganizationAsync(ModemId id, CancellationToken cancellationToken);

    /// <summary>Registers a modem (or one its organization deleted, again); false when the id is taken.</summary>
    Task<bool> AddModemAsync(ModemRecord modem, CancellationToken cancellationToken);

    /// <summary>Replaces an active modem's master key (an admin's re-key); false when no such active modem.</summary>
    Task<bool> SetModemKeyAsync(ModemId id, byte[] key, CancellationToken cancellationToken);

    Task<bool> DeleteModemAsync(ModemId id, DateTime now, CancellationToken cancellationToken);

    Task UpdateRuntimeAsync(IReadOnlyList<ModemRuntime> updates, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves <paramref name="count"/> downlink sequence numbers and returns the first. The
    /// reservation is durable, so after a restart the cloud never reuses a sequence under the same key.
    /// </summary>
    Task<uint> ReserveDownlinkSequencesAsync(ModemId id, uint count, CancellationToken cancellationToken);
}
