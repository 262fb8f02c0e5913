namespace SimIoT.Cloud.Identity;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>How long a web UI login lasts (not sliding: a stolen cookie dies with it).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Login attempts one client address may make per minute (then 429).</summary>
    public int LoginPermitsPerMinute { get; set; } = 10;

    /// <summary>Concurrent /api/events clients one organization may hold (then 429).</summary>
    public int SseClientsPerOrganization { get; set; } = 100;

    /// <summary>Modem registrations one organization may make per minute (then 429); a load test registering a large fleet needs it raised.</summary>
    public int RegistrationsPerMinute { get; set; } = 6000;

    /// <summary>
    /// How long a token look-up is reused by this process; a revocation made elsewhere (another
    /// replica, the command line) takes effect here within it. Zero turns the cache off.
    /// </summary>
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromSeconds(10);
}
