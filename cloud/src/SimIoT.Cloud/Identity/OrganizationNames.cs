namespace SimIoT.Cloud.Identity;

/// <summary>Organization, user and token names: 1 to 64 of letters, digits, '.', '_', '-', '@'.</summary>
public static class OrganizationNames
{
    public const string Default = "default";
    public const int MaxLength = 64;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
