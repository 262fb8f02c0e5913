using System.Security.Claims;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// Optional single sign-on through an external OpenID Connect provider, mapped to an organization
/// and a role by two claims: JWT access tokens for API callers (with Audience), browser sign-in by
/// the authorization code flow with PKCE for people (with ClientId). Off while Authority is unset.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Auth:Oidc";

    /// <summary>The provider's issuer URL; its discovery document and signing keys are fetched from there.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience access tokens must carry (the API's resource name at the provider); API callers' tokens are accepted only with it.</summary>
    public string? Audience { get; set; }

    /// <summary>The cloud's client id at the provider; the login page offers browser sign-in only with it.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret (configuration or environment, never logged); none for a public client.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The provider's name on the login page's "Sign in with ..." link.</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>The claim naming the caller's organization.</summary>
    public string OrganizationClaim { get; set; } = "simiot_org";

    /// <summary>The claim naming the caller's role: viewer, operator or admin.</summary>
    public string RoleClaim { get; set; } = "simiot_role";

    /// <summary>The metadata must come over HTTPS (turn off only for a provider on the loopback, as in tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerated clock difference with the provider when checking expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    internal bool Enabled => !string.IsNullOrWhiteSpace(Authority);
    internal bool AcceptsAccessTokens => Enabled && !string.IsNullOrWhiteSpace(Audience);
    internal bool OffersSignIn => Enabled && !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>
    /// The cloud's caller for a token the provider signed, scheme naming how it came: the organization
    /// and role from the two configured claims, the name from its subject (a client's id for a
    /// client credentials token). Null when a claim is missing or invalid, or the role is unknown.
    /// </summary>
    public ClaimsPrincipal? Caller(ClaimsPrincipal token, string scheme)
    {
        var organization = token.FindFirstValue(OrganizationClaim);
        var role = token.FindFirstValue(RoleClaim);
        var name = token.FindFirstValue("sub") ?? token.FindFirstValue("client_id");
        return OrganizationNames.IsValid(organization) && Roles.IsRole(role) && !string.IsNullOrEmpty(name)
            ? CloudClaims.Principal(organization!, name, role!, scheme)
            : null;
    }
}
