using System.Collections.Concurrent;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// The identity store with a small cache of token look-ups in front, keyed by the token's hash:
/// a bearer token is checked on every request, and the store look-up is most of that cost.
/// Validity (revoked, expired) is still judged per request on the cached record, so an expired
/// token fails at its expiry. A revocation through this process clears the cache at once; one
/// made elsewhere (another API replica, the command line on the store) is seen within
/// <see cref="AuthOptions.TokenCacheLifetime"/>. Unknown tokens are not cached, so guessing
/// cannot fill it; it holds at most <see cref="MaxEntries"/> tokens.
/// </summary>
public sealed class CachingIdentityStore(IIdentityStore inner, TimeSpan lifetime, TimeProvider time) : IIdentityStore
{
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiTokenRecord Record, long Until)> _tokens = new();

    public async Task<ApiTokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken)
    {
        long now = time.GetTimestamp();
        if (_tokens.TryGetValue(hash, out var cached) && now < cached.Until) return cached.Record;
        var record = await inner.FindTokenAsync(hash, cancellationToken).ConfigureAwait(false);
        if (record is null || lifetime <= TimeSpan.Zero)
        {
            _tokens.TryRemove(hash, out _);
            return record;
        }
        if (_tokens.Count >= MaxEntries) _tokens.Clear();
        _tokens[hash] = (record, now + (long)(lifetime.TotalSeconds * time.TimestampFrequency));
        return record;
    }

    public async Task<int> RevokeTokenAsync(string organization, string name, DateTime now, CancellationToken cancellationToken)
    {
        int revoked = await inner.RevokeTokenAsync(organization, name, now, cancellationToken).ConfigureAwait(false);
        _tokens.Clear();
        return revoked;
    }

    public Task EnsureOrganizationAsync(string name, DateTime now, CancellationToken cancellationToken) => inner.EnsureOrganizationAsync(name, now, cancellationToken);

    public Task<IReadOnlyList<string>> ListOrganizationsAsync(CancellationToken cancellationToken) => inner.ListOrganizationsAsync(cancellationToken);

    public Task<ApiTokenRecord> AddTokenAsync(string organization, string name, string role, string hash, DateTime now, DateTime? expiresAt, CancellationToken cancellationToken) =>
        inner.AddTokenAsync(organization, name, role, hash, now, expiresAt, cancellationToken);

    public Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string? organization, CancellationToken cancellationToken) => inner.ListTokensAsync(organization, cancellationToken);

    public Task<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken) => inner.AddUserAsync(user, cancellationToken);

    public Task<UserRecord?> FindUserAsync(string name, CancellationToken cancellationToken) => inner.FindUserAsync(name, cancellationToken);

    public Task<int> CountCredentialsAsync(DateTime now, CancellationToken cancellationToken) => inner.CountCredentialsAsync(now, cancellationToken);
}
