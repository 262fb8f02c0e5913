namespace SimIoT.Cloud.Api;

/// <summary>What the web UI needs from the server's configuration.</summary>
public sealed record UiConfig(string? GrafanaUrl);
