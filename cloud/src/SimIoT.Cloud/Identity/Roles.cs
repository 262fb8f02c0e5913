namespace SimIoT.Cloud.Identity;

/// <summary>
/// The three roles of an organization, each including the one before: a viewer reads, an
/// operator also switches carriers, an admin also registers, deletes and re-keys modems and
/// manages its organization's users and tokens. Policies carry the same names.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Viewer, Operator, Admin];

    public static bool IsRole(string? text) => text is Viewer or Operator or Admin;

    /// <summary>The roles that satisfy <paramref name="least"/>.</summary>
    public static string[] AtLeast(string least) => least switch
    {
        Viewer => [Viewer, Operator, Admin],
        Operator => [Operator, Admin],
        _ => [Admin],
    };
}
