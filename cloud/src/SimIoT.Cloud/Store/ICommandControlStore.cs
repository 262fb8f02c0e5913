using SimIoT.Cloud.Commands;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

/// <summary>
/// The conditional updates that make cancelling race-free: the API cancels only a command the
/// store still has queued, and the gateway claims a command (marks it sent) before its first
/// transmission; whichever update comes first wins, the other finds the state changed.
/// </summary>
public interface ICommandControlStore
{
    /// <summary>Creates a queued command with its own limits unless the modem already has <paramref name="maxOpen"/>
    /// open (queued or sent) commands: then null. The count and the insert are one atomic step.</summary>
    Task<CommandRecord?> TryCreateCommandAsync(ModemId modemId, string carrier, DateTime now, TimeSpan? timeToLive, int? maxAttempts, int maxOpen, CancellationToken cancellationToken);

    /// <summary>Cancels the command if it is queued. Returns the command after the attempt (null if there is none).</summary>
    Task<CommandRecord?> CancelCommandAsync(uint id, DateTime now, CancellationToken cancellationToken);

    /// <summary>Marks the command sent unless it is final; false if the store has it final (cancelled, expired...).
    /// A command the store does not know (a seed producer's own id) may be sent.</summary>
    Task<bool> ClaimCommandAsync(uint id, int attempt, DateTime now, CancellationToken cancellationToken);
}
