using SimIoT.Cloud.Commands;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

public interface ICommandStore
{
    /// <summary>Creates a queued command and gives it its id (the id carried in the v2 frame).</summary>
    Task<CommandRecord> CreateCommandAsync(ModemId modemId, string carrier, DateTime now, CancellationToken cancellationToken);

    Task<CommandRecord?> FindCommandAsync(uint id, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(ModemId modemId, int limit, CancellationToken cancellationToken);

    /// <summary>Commands still queued or sent, oldest first, for a gateway that restarts.</summary>
    Task<IReadOnlyList<CommandRecord>> ListOpenCommandsAsync(CancellationToken cancellationToken);

    /// <summary>Applies a state change unless the command is already final (a late event never undoes a result), and never takes a sent command back to queued.</summary>
    Task ApplyAsync(CommandStateChange change, CancellationToken cancellationToken);
}
