namespace SimIoT.Cloud.Identity;

/// <summary>An API token as stored: only its SHA-256 hash, never the token.</summary>
public sealed record ApiTokenRecord(
    long Id,
    string Organization,
    string Name,
    string Role,
    string Hash,
    DateTime CreatedAt,
    DateTime? ExpiresAt,
    DateTime? RevokedAt)
{
    public bool IsValidAt(DateTime now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}
