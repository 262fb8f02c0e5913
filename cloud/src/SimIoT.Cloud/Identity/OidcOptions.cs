namespace SimIoT.Cloud.Identity;

/// <summary>
/// Optional single sign-on for API callers: JWT access tokens from an external OpenID Connect
/// provider, mapped to an organization and a role by two claims. Off while Authority is unset.
/// </summary>
public sealed class OidcOptions
{
    public const string Section = "Auth:Oidc";

    /// <summary>The provider's issuer URL; its discovery document and signing keys are fetched from there.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience access tokens must carry (the API's resource name at the provider); required with Authority.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim naming the caller's organization.</summary>
    public string OrganizationClaim { get; set; } = "simiot_org";

    /// <summary>The claim naming the caller's role: viewer, operator or admin.</summary>
    public string RoleClaim { get; set; } = "simiot_role";

    /// <summary>The metadata must come over HTTPS (turn off only for a provider on the loopback, as in tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerated clock difference with the provider when checking expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}
