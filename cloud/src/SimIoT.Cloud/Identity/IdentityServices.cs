using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// Authentication (API tokens for machines, a session cookie for people, chosen per request),
/// one authorization policy per role, antiforgery and the login rate limit.
/// </summary>
public static class IdentityServices
{
    private const string BearerOrCookie = "BearerOrCookie";
    public const string SessionCookie = "simiot_session";
    public const string SseLimitPolicy = "sse-per-organization";
    public const string RegistrationLimitPolicy = "registrations-per-organization";

    public static IServiceCollection AddCloudIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.Configure<OidcOptions>(configuration.GetSection(OidcOptions.Section));
        var oidc = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        if (oidc.Enabled && !oidc.AcceptsAccessTokens && !oidc.OffersSignIn)
            throw new InvalidOperationException($"{OidcOptions.Section}:Authority needs {OidcOptions.Section}:Audience (API callers' tokens), {OidcOptions.Section}:ClientId (browser sign-in) or both");
        bool sso = oidc.AcceptsAccessTokens;
        var authentication = services.AddAuthentication(BearerOrCookie);
        if (sso) authentication.AddOidcBearer(oidc);
        if (oidc.OffersSignIn) authentication.AddOidcSignIn(oidc);
        authentication
            .AddPolicyScheme(BearerOrCookie, "Bearer token or session cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count == 0 ? CookieAuthenticationDefaults.AuthenticationScheme
                : sso && OidcBearer.IsForeignBearer(context.Request.Headers.Authorization.ToString()) ? OidcBearer.SchemeName
                : TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(o =>
            {
                o.Cookie.Name = SessionCookie;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = options.SessionLifetime;
                o.SlidingExpiration = false;
                // An API answers 401/403; the UI sends people to /login itself.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Viewer, p => p.RequireAuthenticatedUser().RequireClaim(CloudClaims.Organization).RequireRole(Roles.AtLeast(Roles.Viewer)))
            .AddPolicy(Roles.Operator, p => p.RequireAuthenticatedUser().RequireClaim(CloudClaims.Organization).RequireRole(Roles.AtLeast(Roles.Operator)))
            .AddPolicy(Roles.Admin, p => p.RequireAuthenticatedUser().RequireClaim(CloudClaims.Organization).RequireRole(Roles.AtLeast(Roles.Admin)));
        services.AddAntiforgery(o =>
        {
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginEndpoints.RateLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginPermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            // Per organization (the caller is authenticated by then), so one tenant cannot starve the others.
            o.AddPolicy(SseLimitPolicy, context => RateLimitPartition.GetConcurrencyLimiter(
                context.User.FindFirst(CloudClaims.Organization)?.Value ?? "",
                _ => new ConcurrencyLimiterOptions { PermitLimit = options.SseClientsPerOrganization, QueueLimit = 0 }));
            o.AddPolicy(RegistrationLimitPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.FindFirst(CloudClaims.Organization)?.Value ?? "",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RegistrationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        // Token look-ups cached in front of whichever store was registered (SQLite or PostgreSQL).
        if (services.LastOrDefault(d => d.ServiceType == typeof(IIdentityStore)) is { ImplementationFactory: { } store } registered)
        {
            services.Remove(registered);
            services.AddSingleton<IIdentityStore>(sp => new CachingIdentityStore((IIdentityStore)store(sp), options.TokenCacheLifetime, sp.GetRequiredService<TimeProvider>()));
        }
        services.AddSingleton<Audit.AuditLog>();
        services.AddHostedService<FirstRunNotice>();
        return services;
    }
}
