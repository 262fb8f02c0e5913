using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class SingleSignOnTests
{
    private const string Audience = "simiot-api";

    private static OidcProvider.Client Bot(string id, string organization, string role, string audience = Audience, TimeSpan? lifetime = null) =>
        new(id, $"{id}-secret", audience, new() { ["simiot_org"] = organization, ["simiot_role"] = role }, lifetime);

    [Fact]
    public async Task Access_tokens_of_the_configured_provider_carry_the_mapped_organization_and_role()
    {
        var admin = Bot("fleet-bot", "acme", Roles.Admin);
        var viewer = Bot("wallboard", "acme", Roles.Viewer);
        var noClaims = new OidcProvider.Client("bare", "bare-secret", Audience, []);
        await using var provider = await OidcProvider.StartAsync(admin, viewer, noClaims);
        await using var cloud = await CloudHarness.StartAsync(Settings(provider));
        await cloud.AddModemAsync(0xd1);  // the default organization's

        using var asAdmin = cloud.Client(await provider.TokenAsync(admin));
        var created = await asAdmin.PostAsJsonAsync("/api/modems", new { id = "00000000000000a1", masterKey = "000102030405060708090a0b0c0d0e0f" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var me = JsonDocument.Parse(await asAdmin.GetStringAsync("/api/me")).RootElement;
        Assert.Contains("acme", me.GetRawText());
        // Only acme's modem: the default organization's stays hidden (404).
        var listed = JsonDocument.Parse(await asAdmin.GetStringAsync("/api/modems")).RootElement;
        Assert.Equal(new[] { "00000000000000a1" }, listed.EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await asAdmin.GetAsync("/api/modems/00000000000000d1")).StatusCode);
        // The audit names the provider's subject.
        var audit = await asAdmin.GetStringAsync("/api/audit");
        Assert.Contains("oidc:fleet-bot", audit);

        using var asViewer = cloud.Client(await provider.TokenAsync(viewer));
        Assert.Equal(HttpStatusCode.OK, (await asViewer.GetAsync("/api/modems/00000000000000a1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asViewer.PostAsJsonAsync("/api/modems/00000000000000a1/carrier-switch", new { carrier = "Verizon" })).StatusCode);

        // A genuine token of the provider without the mapped claims grants nothing.
        using var bare = cloud.Client(await provider.TokenAsync(noClaims));
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync("/api/modems")).StatusCode);
        // The cloud's own tokens still work beside the provider's.
        Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync("/api/modems/00000000000000d1")).StatusCode);
    }

    [Fact]
    public async Task Tokens_of_another_issuer_for_another_audience_expired_or_altered_are_401()
    {
        var admin = Bot("fleet-bot", "acme", Roles.Admin);
        var elsewhere = Bot("other-api-bot", "acme", Roles.Admin, audience: "other-api");
        var shortLived = Bot("short", "acme", Roles.Admin, lifetime: TimeSpan.FromSeconds(2));
        await using var provider = await OidcProvider.StartAsync(admin, elsewhere, shortLived);
        await using var stranger = await OidcProvider.StartAsync(admin);
        await using var cloud = await CloudHarness.StartAsync(Settings(provider, clockSkew: "00:00:00"));

        var good = await provider.TokenAsync(admin);
        using (var ok = cloud.Client(good)) Assert.Equal(HttpStatusCode.OK, (await ok.GetAsync("/api/modems")).StatusCode);

        // Same claims, same client name, but signed by another provider (another issuer and key).
        await AssertRefusedAsync(cloud, await stranger.TokenAsync(admin));
        // The right provider, but meant for another API.
        await AssertRefusedAsync(cloud, await provider.TokenAsync(elsewhere));
        // The right token with its payload changed (role raised): the signature no longer holds.
        var parts = good.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlDecode(parts[1])).Replace("\"acme\"", "\"default\"");
        await AssertRefusedAsync(cloud, $"{parts[0]}.{Base64UrlEncode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}");

        // Expired: wait until past the token's own exp, then it is refused.
        var expiring = await provider.TokenAsync(shortLived);
        var exp = JsonDocument.Parse(Base64UrlDecode(expiring.Split('.')[1])).RootElement.GetProperty("exp").GetInt64();
        var wait = DateTimeOffset.FromUnixTimeSeconds(exp) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        Assert.True(wait < TimeSpan.FromSeconds(10), "the token lives as configured");
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        await AssertRefusedAsync(cloud, expiring);
    }

    [Fact]
    public async Task A_forged_or_replayed_sign_in_callback_returns_to_the_login_page_without_a_session()
    {
        await using var provider = await OidcProvider.StartAsync();
        await using var cloud = await CloudHarness.StartAsync(new()
        {
            ["Auth:Oidc:Authority"] = provider.Issuer.ToString(),
            ["Auth:Oidc:ClientId"] = "simiot-ui",
            ["Auth:Oidc:RequireHttpsMetadata"] = "false",
        });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = cloud.BaseAddress };
        // A callback no challenge of ours started (no correlation cookie, a state we never protected).
        var forged = await http.PostAsync("/signin-oidc", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "stolen", ["state"] = "forged" }));
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal("/login?sso=failed", forged.Headers.Location?.OriginalString);
        Assert.False(forged.Headers.Contains("Set-Cookie") && forged.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(IdentityServices.SessionCookie)));
        Assert.Contains(cloud.Errors.Warnings, line => line.Contains("Single sign-on did not complete"));
    }

    private static Dictionary<string, string?> Settings(OidcProvider provider, string clockSkew = "00:01:00") => new()
    {
        ["Auth:Oidc:Authority"] = provider.Issuer.ToString(),
        ["Auth:Oidc:Audience"] = Audience,
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
        ["Auth:Oidc:ClockSkew"] = clockSkew,
    };

    private static async Task AssertRefusedAsync(CloudHarness cloud, string token)
    {
        using var client = cloud.Client(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/modems")).StatusCode);
    }

    private static byte[] Base64UrlDecode(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + (4 - text.Length % 4) % 4, '='));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
