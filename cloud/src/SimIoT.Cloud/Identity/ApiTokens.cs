using System.Security.Cryptography;
using System.Text;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// Token text and its stored hash. A token is 256 random bits, so a plain SHA-256 suffices to
/// store it (no guessing to slow down, unlike a password) and lets the handler look it up by hash.
/// </summary>
public static class ApiTokens
{
    public const string Prefix = "simiot_";

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
