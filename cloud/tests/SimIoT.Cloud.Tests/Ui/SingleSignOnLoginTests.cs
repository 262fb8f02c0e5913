using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>
/// People sign into the web UI (real Chromium) through a real OpenID Connect provider started in the
/// test (OpenIddict, authorization code flow with PKCE): their organization's fleet and their role's
/// controls only; logout ends the session here and at the provider; accounts without our claims are refused.
/// </summary>
public class SingleSignOnLoginTests
{
    private const string Provider = "Test IdP";

    // A round trip through the provider (the first one fetches its metadata) can take tens of seconds on a loaded machine.
    private static readonly PageAssertionsToHaveURLOptions Redirected = new() { Timeout = 90_000 };
    private static readonly LocatorAssertionsToHaveTextOptions SignedIn = new() { Timeout = 90_000 };

    [Fact]
    public async Task A_person_signed_in_at_the_provider_sees_only_their_organizations_fleet_a_viewer_cannot_switch_and_logout_ends_both_sessions()
    {
        var ui = UiClient();
        await using var provider = await OidcProvider.StartAsync([ui], [Person("ada", "acme", Roles.Operator), Person("vic", "acme", Roles.Viewer)]);
        await using var cloud = await CloudHarness.StartAsync(Settings(provider, ui));
        ui.AllowRedirectsTo(cloud.BaseAddress);
        var elsewhere = await cloud.AddModemAsync(0xd1, "other-org-modem");
        using var acme = cloud.Client(await cloud.CreateTokenAsync("acme", Roles.Admin, "acme-admin"));
        var ours = await cloud.AddModemAsync(0xa2, "acme-modem", acme);

        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(90_000);
            await page.GotoAsync(cloud.BaseAddress.ToString());
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login$"));

            await SignInAsync(page, "ada");
            await Assertions.Expect(page.GetByTestId("caller")).ToHaveTextAsync("ada · acme · operator", SignedIn);
            await Assertions.Expect(page.GetByTestId($"modem-{ours.Id}")).ToBeVisibleAsync();
            // The table is drawn from one answer: with our modem in it, the other's would be too.
            await Assertions.Expect(page.GetByTestId($"modem-{elsewhere.Id}")).ToHaveCountAsync(0);
            var session = (await context.CookiesAsync()).Single(c => c.Name == IdentityServices.SessionCookie);
            Assert.True(session.HttpOnly);
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{ours.Id}");
            await Assertions.Expect(page.GetByTestId("switch-button")).ToBeVisibleAsync();
            // The audit names the provider's subject, as for its access tokens.
            Assert.Contains(await AuditAsync(acme), r => r.Action == "login.succeeded" && r.Actor == "oidc:ada");

            await page.GetByTestId("logout").ClickAsync();
            // Back through the provider's end-session to the login page.
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login$"), Redirected);
            Assert.Equal(1, provider.EndSessions);
            Assert.Equal((int)HttpStatusCode.Unauthorized, (await context.APIRequest.GetAsync($"{cloud.BaseAddress}api/modems")).Status);

            await SignInAsync(page, "vic");
            await Assertions.Expect(page.GetByTestId("caller")).ToHaveTextAsync("vic · acme · viewer", SignedIn);
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{ours.Id}");
            await Assertions.Expect(page.GetByTestId("carrier")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("switch-button")).ToHaveCountAsync(0);
            var refused = await context.APIRequest.PostAsync($"{cloud.BaseAddress}api/modems/{ours.Id}/carrier-switch",
                new() { DataObject = new { carrier = "Verizon" } });
            Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
            await page.GetByTestId("logout").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login$"), Redirected);
            Assert.Equal(2, provider.EndSessions);
            Assert.Equal((int)HttpStatusCode.Unauthorized, (await context.APIRequest.GetAsync($"{cloud.BaseAddress}api/modems")).Status);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
        // The client secret went to the provider's token endpoint only, never into a log line.
        Assert.DoesNotContain(cloud.Errors.Warnings.Concat(cloud.Errors.Errors), line => line.Contains(ui.Secret));
    }

    [Fact]
    public async Task An_account_without_the_organization_claim_or_with_an_unknown_role_is_refused_on_the_login_page_counted_and_audited()
    {
        var ui = UiClient();
        await using var provider = await OidcProvider.StartAsync([ui], [Person("nobody", null, null), Person("wizard", "acme", "superuser")]);
        await using var cloud = await CloudHarness.StartAsync(Settings(provider, ui));
        ui.AllowRedirectsTo(cloud.BaseAddress);
        using var acme = cloud.Client(await cloud.CreateTokenAsync("acme", Roles.Admin, "acme-admin"));

        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(90_000);
            int failures = 0;
            foreach (var person in new[] { "nobody", "wizard" })
            {
                await page.GotoAsync($"{cloud.BaseAddress}login");
                await SignInAsync(page, person);
                await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login\\?sso=refused$"), Redirected);
                await Assertions.Expect(page.GetByTestId("sso-error")).ToContainTextAsync("no SimIoT organization (claim simiot_org) and role (claim simiot_role");
                Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == IdentityServices.SessionCookie);
                Assert.Equal((int)HttpStatusCode.Unauthorized, (await context.APIRequest.GetAsync($"{cloud.BaseAddress}api/modems")).Status);
                Assert.Matches($@"(?m)^simiot_auth_login_failures_total(\{{\}})? {++failures}$", await cloud.Http.GetStringAsync("/metrics"));
            }
            // A valid organization with an unknown role: that organization's audit sees the refusal.
            Assert.Contains(await AuditAsync(acme), r => r.Action == "login.failed" && r.Actor == "oidc:wizard");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static OidcProvider.Client UiClient() => new("simiot-ui", "ui-client-secret-4f1c", "simiot-api", []);

    private static OidcProvider.Person Person(string subject, string? organization, string? role)
    {
        var claims = new Dictionary<string, string>();
        if (organization is not null) claims["simiot_org"] = organization;
        if (role is not null) claims["simiot_role"] = role;
        return new(subject, claims);
    }

    private static Dictionary<string, string?> Settings(OidcProvider provider, OidcProvider.Client client) => new()
    {
        ["Auth:Oidc:Authority"] = provider.Issuer.ToString(),
        ["Auth:Oidc:ClientId"] = client.Id,
        ["Auth:Oidc:ClientSecret"] = client.Secret,
        ["Auth:Oidc:DisplayName"] = Provider,
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
    };

    private static async Task SignInAsync(IPage page, string person)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {Provider}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {person}" }).ClickAsync();
    }

    private static async Task<List<(string Action, string Actor)>> AuditAsync(HttpClient admin) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>("/api/audit")).EnumerateArray().Select(r => (r.GetProperty("action").GetString()!, r.GetProperty("actor").GetString()!))];
}
