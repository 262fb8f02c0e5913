using System.Security.Claims;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

/// <summary>
/// Whether a caller may see a modem: only its own organization's, deleted or not. Another
/// organization's modem answers exactly as one never registered (404), so its existence stays hidden.
/// </summary>
internal static class ModemAccess
{
    public static async Task<bool> VisibleAsync(this IModemStore store, ModemId id, ClaimsPrincipal user, CancellationToken ct) =>
        await store.FindOrganizationAsync(id, ct) == user.OrganizationOf();

    /// <summary>The command if its modem is visible to the caller; null (answer <see cref="Problems.UnknownCommand"/>) otherwise.</summary>
    public static async Task<CommandRecord?> FindVisibleCommandAsync(this ICommandStore commands, uint id, IModemStore modems, ClaimsPrincipal user, CancellationToken ct)
    {
        var record = await commands.FindCommandAsync(id, ct);
        return record is not null && await modems.VisibleAsync(record.ModemId, user, ct) ? record : null;
    }
}
