using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// People sign in through the external OpenID Connect provider (<see cref="OidcOptions"/>): ASP.NET
/// Core's OpenIdConnect handler runs the authorization code flow with PKCE and signs the caller in to
/// the session cookie with the organization and role mapped as for the provider's access tokens. An
/// account without those claims is sent back to the login page with the reason, audited and counted.
/// </summary>
public static partial class OidcSignIn
{
    public const string SchemeName = "OidcSignIn";

    /// <summary>The login page's "Sign in with ..." link: starts the flow.</summary>
    public const string ChallengePath = "/login/oidc";

    /// <summary>Where the provider sends the browser back (register it there as https://HOST/signin-oidc).</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>Where the provider's end-session returns to (register it as a post-logout redirect URI).</summary>
    public const string SignedOutCallbackPath = "/signout-callback-oidc";

    public static AuthenticationBuilder AddOidcSignIn(this AuthenticationBuilder builder, OidcOptions oidc) =>
        builder.AddOpenIdConnect(SchemeName, oidc.DisplayName, o =>
        {
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = oidc.ClientSecret;
            o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            o.CallbackPath = CallbackPath;
            o.SignedOutCallbackPath = SignedOutCallbackPath;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ClockSkew = oidc.ClockSkew;
            o.Events = new OpenIdConnectEvents
            {
                OnTokenValidated = context => AdmitAsync(context, oidc),
                OnRemoteFailure = context =>
                {
                    // A refusal of ours was audited already; anything else (the user cancelled at the
                    // provider, a stale or forged callback) is the operator's to see in the log.
                    if (context.Failure is not ClaimsRefused)
                        LogFailed(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn)), context.Failure?.Message ?? "unknown");
                    context.Response.Redirect($"/login?sso={(context.Failure is ClaimsRefused ? "refused" : "failed")}");
                    context.HandleResponse();
                    return Task.CompletedTask;
                },
            };
        });

    /// <summary>The link that starts the flow, when the provider is configured for people.</summary>
    public static IEndpointRouteBuilder MapOidcSignIn(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<OidcOptions>>().Value.OffersSignIn)
            app.MapGet(ChallengePath, () => TypedResults.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [SchemeName]))
                .RequireRateLimiting(LoginEndpoints.RateLimitPolicy).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// For a session that came from the provider, the sign-out at its end-session endpoint (which
    /// returns to /login); null when the session is local or the provider has no such endpoint.
    /// </summary>
    public static async Task<IResult?> EndSessionAsync(HttpContext context)
    {
        if (context.User.Identity?.AuthenticationType != SchemeName) return null;
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(SchemeName);
        if (options.ConfigurationManager is null) return null;  // a session from before sign-in was turned off
        try
        {
            var metadata = await options.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
            if (string.IsNullOrEmpty(metadata.EndSessionEndpoint)) return null;
        }
        catch (InvalidOperationException e)
        {
            // The provider is unreachable: the local session is gone, which is what logout promises here.
            LogFailed(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignIn)), e.Message);
            return null;
        }
        return TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/login" }, [SchemeName]);
    }

    private static async Task AdmitAsync(TokenValidatedContext context, OidcOptions oidc)
    {
        var http = context.HttpContext;
        var audit = http.RequestServices.GetRequiredService<AuditLog>();
        var address = http.Connection.RemoteIpAddress?.ToString();
        var subject = context.Principal!.FindFirstValue("sub") ?? "";
        if (oidc.Caller(context.Principal!, SchemeName) is not { } caller)
        {
            http.RequestServices.GetRequiredService<CloudMetrics>().LoginFailed();
            var organization = context.Principal!.FindFirstValue(oidc.OrganizationClaim);
            await audit.RecordAsync(OrganizationNames.IsValid(organization) ? organization! : "", $"oidc:{subject}", AuditActions.LoginFailed, subject,
                $"no valid {oidc.OrganizationClaim} and {oidc.RoleClaim} claims", address, http.RequestAborted);
            context.Fail(new ClaimsRefused());
            return;
        }
        context.Principal = caller;
        // Only the ID token is kept (in the protected cookie): the provider's end-session wants it as a hint.
        if (context.TokenEndpointResponse?.IdToken is { } idToken)
            context.Properties!.StoreTokens([new AuthenticationToken { Name = OpenIdConnectParameterNames.IdToken, Value = idToken }]);
        await audit.RecordAsync(caller.OrganizationOf(), AuditLog.ActorOf(caller), AuditActions.LoginSucceeded, subject, null, address, http.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on did not complete: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    /// <summary>The provider vouched for the person, but not with an organization and a role of ours.</summary>
    private sealed class ClaimsRefused() : Exception("the provider's token lacks the organization or role claims");
}
