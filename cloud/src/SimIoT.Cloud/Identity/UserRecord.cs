namespace SimIoT.Cloud.Identity;

/// <summary>A person who logs into the web UI; the password only as ASP.NET Core Identity's hash.</summary>
public sealed record UserRecord(string Name, string Organization, string Role, string PasswordHash, DateTime CreatedAt);
