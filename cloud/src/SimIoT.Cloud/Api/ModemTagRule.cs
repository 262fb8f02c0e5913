namespace SimIoT.Cloud.Api;

/// <summary>What a tag may be: short, and of characters that need no escaping in a URL or the store.</summary>
internal static class ModemTagRule
{
    public const int MaxTags = 16;
    public const int MaxLength = 32;
    public const string Text = "a tag is 1 to 32 characters of A-Z a-z 0-9 . _ : -";

    public static bool IsValid(string tag) =>
        tag.Length is >= 1 and <= MaxLength && tag.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or ':' or '-');
}
