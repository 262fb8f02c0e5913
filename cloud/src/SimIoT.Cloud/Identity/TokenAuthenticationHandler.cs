using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>: the token's hash is looked up in the store; a
/// revoked, expired or unknown token fails (401), without saying which.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IIdentityStore store, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        string token = header["Bearer ".Length..].Trim();
        if (token.Length == 0) return AuthenticateResult.Fail("empty bearer token");
        var record = await store.FindTokenAsync(ApiTokens.Hash(token), Context.RequestAborted);
        if (record is null || !record.IsValidAt(time.GetUtcNow().UtcDateTime)) return AuthenticateResult.Fail("unknown, expired or revoked token");
        var principal = CloudClaims.Principal(record.Organization, record.Name, record.Role, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
