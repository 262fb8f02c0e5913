namespace SimIoT.Cloud.Api;

/// <summary>A modem as the API shows it; never its key.</summary>
/// <param name="Link">"fresh" when the modem sent an authentic frame recently (commands go out at once), else "stale".</param>
public sealed record ModemDto(string Id, string Nickname, string Protocol, string? Carrier, DateTime? LastSeen, string Link, bool Legacy, bool Authenticated, string? Endpoint, DateTime RegisteredAt,
    IReadOnlyList<string> Tags, string? DownlinkEndpoint);
