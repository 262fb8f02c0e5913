using System.Text.Encodings.Web;

namespace SimIoT.Cloud.Identity;

/// <summary>The login form, rendered on the server so it carries its antiforgery token without script.</summary>
internal static class LoginPage
{
    public static string Render(string antiforgeryField, string antiforgeryToken, bool failed, OidcOptions oidc, string? sso)
    {
        var html = HtmlEncoder.Default;
        var provider = html.Encode(oidc.DisplayName);
        var ssoNotice = !oidc.OffersSignIn ? "" : sso switch
        {
            "refused" => $"<p class=\"failure\" data-testid=\"sso-error\">{provider} signed you in, but your account there has no SimIoT organization " +
                $"(claim {html.Encode(oidc.OrganizationClaim)}) and role (claim {html.Encode(oidc.RoleClaim)}: viewer, operator or admin), so SimIoT refused it. Ask your administrator.</p>",
            "failed" => $"<p class=\"failure\" data-testid=\"sso-error\">Sign-in with {provider} did not complete. Try again.</p>",
            _ => "",
        };
        var ssoLink = oidc.OffersSignIn ? $"<p><a href=\"{OidcSignIn.ChallengePath}\" data-testid=\"sso-login\">Sign in with {provider}</a></p>" : "";
        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>SimIoT · log in</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="app.css"></head>
            <body><header><span class="brand">SimIoT</span><span class="tagline">IoT devices managed through their SIM</span></header>
            <main><section class="panel login"><h2>Log in</h2>
            {(failed ? "<p class=\"failure\" data-testid=\"login-error\">Wrong user name or password.</p>" : "")}
            {ssoNotice}
            <form method="post" action="/login">
              <input type="hidden" name="{html.Encode(antiforgeryField)}" value="{html.Encode(antiforgeryToken)}">
              <label>User <input name="username" autocomplete="username" required maxlength="64" data-testid="login-user"></label>
              <label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="256" data-testid="login-password"></label>
              <button type="submit" data-testid="login-submit">Log in</button>
            </form>{ssoLink}</section></main></body></html>
            """;
    }
}
