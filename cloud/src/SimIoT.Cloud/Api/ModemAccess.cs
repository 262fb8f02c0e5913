using System.Security.Claims;
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
}
