namespace SimIoT.Cloud.Identity;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>How long a web UI login lasts (not sliding: a stolen cookie dies with it).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Login attempts one client address may make per minute (then 429).</summary>
    public int LoginPermitsPerMinute { get; set; } = 10;
}
