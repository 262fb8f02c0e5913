using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Ui;

/// <summary>People log into the web UI (real Chromium): their organization's fleet only, their role's controls only.</summary>
public class LoginTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task A_user_sees_only_their_organizations_fleet_a_viewer_cannot_switch_and_logout_ends_the_session()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var elsewhere = await cloud.AddModemAsync(0xd1, "other-org-modem");
        using var acme = cloud.Client(await cloud.CreateTokenAsync("acme", Roles.Admin, "acme-admin"));
        var ours = await cloud.AddModemAsync(0xa2, "acme-modem", acme);
        var store = cloud.App.Services.GetRequiredService<IIdentityStore>();
        Assert.True(await store.AddUserAsync(new UserRecord("ada", "acme", Roles.Admin, Passwords.Hash(Password), DateTime.UtcNow), CancellationToken.None));
        Assert.True(await store.AddUserAsync(new UserRecord("vic", "acme", Roles.Viewer, Passwords.Hash(Password), DateTime.UtcNow), CancellationToken.None));

        var (playwright, browser) = await WebUiTests.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(cloud.BaseAddress.ToString());
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login$"));

            // A wrong password: refused on the page and counted in the metrics.
            await LogInAsync(page, "ada", "not the password");
            await Assertions.Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
            Assert.Matches(@"(?m)^simiot_auth_login_failures_total(\{\})? 1$", await cloud.Http.GetStringAsync("/metrics"));
            var failure = (await acme.GetFromJsonAsync<JsonElement>("/api/audit"))[0];
            Assert.Equal(("login.failed", "ada", "127.0.0.1"), (failure.GetProperty("action").GetString(), failure.GetProperty("target").GetString(), failure.GetProperty("address").GetString()));

            await LogInAsync(page, "ada", Password);
            await Assertions.Expect(page.GetByTestId("caller")).ToHaveTextAsync("ada · acme · admin");
            await Assertions.Expect(page.GetByTestId($"modem-{ours.Id}")).ToBeVisibleAsync();
            // The table is drawn from one answer: with our modem in it, the other's would be too.
            await Assertions.Expect(page.GetByTestId($"modem-{elsewhere.Id}")).ToHaveCountAsync(0);
            var session = (await context.CookiesAsync()).Single(c => c.Name == IdentityServices.SessionCookie);
            Assert.True(session.HttpOnly);
            Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
            Assert.False(session.Secure); // plain HTTP here; Secure whenever served over TLS
            await page.GetByTestId($"modem-{ours.Id}").ClickAsync();
            // The event stream opens with the session cookie alone (an EventSource sends no header).
            await Assertions.Expect(page.GetByTestId("live")).ToHaveTextAsync("live");
            await page.GetByTestId("audit-link").ClickAsync();
            await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("login.succeeded");
            await Assertions.Expect(page.GetByTestId("audit")).ToContainTextAsync("token:acme-admin");
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{ours.Id}");
            await Assertions.Expect(page.GetByTestId("switch-button")).ToBeVisibleAsync();

            await page.GetByTestId("logout").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login$"));
            Assert.Equal((int)HttpStatusCode.Unauthorized, (await context.APIRequest.GetAsync($"{cloud.BaseAddress}api/modems")).Status);

            await LogInAsync(page, "vic", Password);
            await Assertions.Expect(page.GetByTestId("caller")).ToHaveTextAsync("vic · acme · viewer");
            await page.GotoAsync($"{cloud.BaseAddress}#/modem/{ours.Id}");
            await Assertions.Expect(page.GetByTestId("carrier")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("switch-button")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("audit-link")).ToHaveCountAsync(0);
            var refused = await context.APIRequest.PostAsync($"{cloud.BaseAddress}api/modems/{ours.Id}/carrier-switch",
                new() { DataObject = new { carrier = "Verizon" } });
            Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
            var problem = JsonDocument.Parse(await refused.TextAsync()).RootElement;
            Assert.Equal(403, problem.GetProperty("status").GetInt32());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task Login_posts_without_the_antiforgery_token_are_refused_and_too_many_attempts_get_429()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Auth:LoginPermitsPerMinute"] = "3" });
        using var anonymous = cloud.Client(null);
        var forged = await anonymous.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "ada", ["password"] = Password }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        var statuses = new List<HttpStatusCode> { forged.StatusCode };
        for (int i = 0; i < 2; i++) statuses.Add((await anonymous.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>()))).StatusCode);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        var limited = await anonymous.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
    }

    private static async Task LogInAsync(IPage page, string user, string password)
    {
        await page.GetByTestId("login-user").FillAsync(user);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
    }
}
