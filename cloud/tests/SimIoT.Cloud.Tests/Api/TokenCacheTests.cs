using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Api;

public class TokenCacheTests
{
    [Fact]
    public async Task A_revocation_made_elsewhere_takes_effect_within_the_cache_lifetime_and_one_made_here_at_once()
    {
        var lifetime = TimeSpan.FromSeconds(5);
        await using var cloud = await CloudHarness.StartAsync(new() { ["Auth:TokenCacheLifetime"] = lifetime.ToString() });
        using var bot = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "bot"));
        Assert.Equal(HttpStatusCode.OK, (await bot.GetAsync("/api/me")).StatusCode);
        var cached = Stopwatch.StartNew();

        // Another process (the command line, another replica) revokes it on the store itself.
        var store = cloud.App.Services.GetRequiredService<SqliteCloudStore>();
        Assert.Equal(1, await store.RevokeTokenAsync(OrganizationNames.Default, "bot", DateTime.UtcNow, CancellationToken.None));
        var status = (await bot.GetAsync("/api/me")).StatusCode;
        // Still taken from the cache, unless this machine stalled past the lifetime (then nothing to learn here).
        if (cached.Elapsed < lifetime - TimeSpan.FromSeconds(1)) Assert.Equal(HttpStatusCode.OK, status);
        await Eventually.ValueAsync(async () => (await bot.GetAsync("/api/me")).StatusCode, s => s == HttpStatusCode.Unauthorized, "refused once the cached look-up is old");
        Assert.True(cached.Elapsed < lifetime + TimeSpan.FromSeconds(10), $"refused only after {cached.Elapsed}");

        // Through this process's store: refused at once.
        using var other = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "other"));
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/me")).StatusCode);
        await cloud.App.Services.GetRequiredService<IIdentityStore>().RevokeTokenAsync(OrganizationNames.Default, "other", DateTime.UtcNow, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_is_refused_at_its_expiry()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Auth:TokenCacheLifetime"] = "00:10:00" });
        var expiresAt = DateTime.UtcNow.AddSeconds(2);
        using var bot = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "short", expiresAt));
        var first = (await bot.GetAsync("/api/me")).StatusCode;
        if (DateTime.UtcNow < expiresAt) Assert.Equal(HttpStatusCode.OK, first);
        var wait = expiresAt - DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bot.GetAsync("/api/me")).StatusCode);
    }
}
