namespace SimIoT.Cloud.Store;

/// <summary>
/// Tags in one column as ",a,b,": a tag filter is then a plain substring test for ",tag,", which
/// both stores do alike; tags are never empty and never hold a comma (the API checks).
/// </summary>
public static class ModemTags
{
    public static string? Encode(IReadOnlyList<string>? tags) => tags is null or { Count: 0 } ? null : "," + string.Join(',', tags) + ",";

    public static IReadOnlyList<string> Decode(string? column) => column?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>What the column holds around a tag it contains.</summary>
    public static string Needle(string tag) => "," + tag + ",";
}
