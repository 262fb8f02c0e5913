using System.Security.Claims;

namespace SimIoT.Cloud.Identity;

/// <summary>The claims a caller carries, whether it came with a token or a login.</summary>
public static class CloudClaims
{
    public const string Organization = "simiot:org";

    public static ClaimsPrincipal Principal(string organization, string name, string role, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(Organization, organization), new Claim(ClaimTypes.Role, role)],
            scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The caller's organization; endpoints that reach here passed authorization, so it is set.</summary>
    public static string OrganizationOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(Organization) ?? throw new InvalidOperationException("an authenticated caller without an organization");
}
