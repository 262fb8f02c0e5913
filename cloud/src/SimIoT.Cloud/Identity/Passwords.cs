using Microsoft.AspNetCore.Identity;

namespace SimIoT.Cloud.Identity;

/// <summary>ASP.NET Core Identity's password hasher (PBKDF2, salted, versioned); passwords are never stored.</summary>
public static class Passwords
{
    public const int MinLength = 12;
    private static readonly PasswordHasher<UserRecord> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(null!, hash, password) != PasswordVerificationResult.Failed;
}
