using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Api;

/// <summary>GET /api/bulk-commands/{id}: the bulk's commands counted per state.</summary>
/// <param name="Total">Commands in the bulk.</param>
/// <param name="Open">Of them, still queued or sent.</param>
/// <param name="Done">No command of the bulk is open any more.</param>
/// <param name="States">Count per state name ("queued", "sent", "acked", "nacked", "timed-out", "expired", ...): every state the cloud knows, and any other the store holds.</param>
public sealed record BulkCommandSummary(long Id, string Carrier, string Selection, DateTime CreatedAt, int Total, int Open, bool Done, IReadOnlyDictionary<string, int> States)
{
    public static BulkCommandSummary Of(BulkCommand bulk)
    {
        // Counted by the store's state names, so a state added later shows without a change here.
        var states = Enum.GetValues<CommandState>().ToDictionary(CommandStates.ToText, _ => 0);
        foreach (var (state, count) in bulk.States) states[state] = count;
        int total = states.Values.Sum();
        int open = states.Where(s => CommandStates.TryParse(s.Key, out var known) && !CommandStates.IsFinal(known)).Sum(s => s.Value);
        return new BulkCommandSummary(bulk.Id, bulk.Carrier, bulk.Selection, bulk.CreatedAt, total, open, open == 0, states);
    }
}
