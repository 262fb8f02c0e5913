namespace SimIoT.Cloud.Store;

/// <summary>Every state a command went through, as the store recorded it (a trigger on the commands table writes it).</summary>
public interface ICommandHistoryStore
{
    /// <summary>The transitions of one command, oldest first.</summary>
    Task<IReadOnlyList<CommandTransition>> CommandHistoryAsync(uint commandId, CancellationToken cancellationToken);
}
