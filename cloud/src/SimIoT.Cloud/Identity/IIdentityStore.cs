namespace SimIoT.Cloud.Identity;

/// <summary>Organizations, users and API tokens, in the same database as the modems.</summary>
public interface IIdentityStore
{
    /// <summary>Creates the organization unless it exists.</summary>
    Task EnsureOrganizationAsync(string name, DateTime now, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListOrganizationsAsync(CancellationToken cancellationToken);

    Task<ApiTokenRecord> AddTokenAsync(string organization, string name, string role, string hash, DateTime now, DateTime? expiresAt, CancellationToken cancellationToken);

    Task<ApiTokenRecord?> FindTokenAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Tokens of one organization, or of all when null; oldest first.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string? organization, CancellationToken cancellationToken);

    /// <summary>Revokes the organization's live tokens of that name; how many it revoked.</summary>
    Task<int> RevokeTokenAsync(string organization, string name, DateTime now, CancellationToken cancellationToken);

    /// <summary>False when a user of that name exists (user names are unique across organizations).</summary>
    Task<bool> AddUserAsync(UserRecord user, CancellationToken cancellationToken);

    Task<UserRecord?> FindUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Users and live tokens together: zero on a fresh installation.</summary>
    Task<int> CountCredentialsAsync(DateTime now, CancellationToken cancellationToken);
}
