using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// ASP.NET Core's JwtBearer handler for access tokens of an external OpenID Connect provider
/// (<see cref="OidcOptions"/>): signature, issuer, audience and lifetime are its checks; this only
/// maps the two configured claims to the cloud's organization and role, and refuses a token
/// without them (401), so a token of the provider meant for nothing here grants nothing.
/// </summary>
public static class OidcBearer
{
    public const string SchemeName = "Oidc";

    public static AuthenticationBuilder AddOidcBearer(this AuthenticationBuilder builder, OidcOptions oidc)
    {
        return builder.AddJwtBearer(SchemeName, o =>
        {
            o.Authority = oidc.Authority;
            o.Audience = oidc.Audience;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ClockSkew = oidc.ClockSkew;
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (oidc.Caller(context.Principal!, SchemeName) is { } caller)
                        context.Principal = caller;
                    else
                        context.Fail($"the token lacks a valid {oidc.OrganizationClaim} or {oidc.RoleClaim} claim, or a subject");
                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>A bearer value that is not one of the cloud's own tokens goes to the provider's handler.</summary>
    public static bool IsForeignBearer(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        && !authorization.AsSpan("Bearer ".Length).Trim().StartsWith(ApiTokens.Prefix, StringComparison.Ordinal);
}
