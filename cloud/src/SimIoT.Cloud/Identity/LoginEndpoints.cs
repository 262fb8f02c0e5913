using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// The web UI's login: a form post (antiforgery-checked, rate limited per client address) that
/// sets the session cookie; logout; and /api/me, what the UI shows of the caller.
/// </summary>
public static class LoginEndpoints
{
    public const string RateLimitPolicy = "login";

    // Unknown users are checked against this, so a wrong name costs as long as a wrong password.
    private static readonly string NoUserHash = Passwords.Hash(Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, IOptions<OidcOptions> oidc, bool? failed, string? sso) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return TypedResults.Content(LoginPage.Render(tokens.FormFieldName, tokens.RequestToken!, failed == true, oidc.Value, sso), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapOidcSignIn();
        app.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimitPolicy).ExcludeFromDescription();
        app.MapPost("/logout", LogoutAsync).ExcludeFromDescription();
        app.MapGet("/api/me", (ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return TypedResults.Ok(new CallerDto(user.Identity!.Name!, user.OrganizationOf(), user.FindFirstValue(ClaimTypes.Role)!, tokens.FormFieldName, tokens.RequestToken!));
        }).RequireAuthorization(Roles.Viewer).WithTags("Identity").WithName("Me").WithSummary("The caller: name, organization, role (and the UI's antiforgery token for logout).");
        return app;
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] string username, [FromForm] string password, HttpContext context, IIdentityStore store, AuditLog audit, CloudMetrics metrics, TimeProvider time, IOptions<AuthOptions> options)
    {
        var user = OrganizationNames.IsValid(username) ? await store.FindUserAsync(username, context.RequestAborted) : null;
        bool valid = Passwords.Verify(user?.PasswordHash ?? NoUserHash, password) && user is not null;
        var address = context.Connection.RemoteIpAddress?.ToString();
        if (!valid)
        {
            metrics.LoginFailed();
            // A known user's organization sees the failure; a name no one has is kept (sanitised) in no organization's audit.
            var tried = OrganizationNames.IsValid(username) ? username : "(invalid name)";
            await audit.RecordAsync(user?.Organization ?? "", $"user:{tried}", AuditActions.LoginFailed, tried, null, address, context.RequestAborted);
            return TypedResults.Redirect("/login?failed=true");
        }
        await audit.RecordAsync(user!.Organization, $"user:{user.Name}", AuditActions.LoginSucceeded, user.Name, null, address, context.RequestAborted);
        var now = time.GetUtcNow();
        var principal = CloudClaims.Principal(user!.Organization, user.Name, user.Role, CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.Value.SessionLifetime, IsPersistent = false });
        return TypedResults.Redirect("/");
    }

    private static async Task<IResult> LogoutAsync([FromForm] string? reason, HttpContext context)
    {
        // The form field only makes this a form endpoint, so its antiforgery token is checked.
        _ = reason;
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return await OidcSignIn.EndSessionAsync(context) ?? TypedResults.Redirect("/login");
    }
}
