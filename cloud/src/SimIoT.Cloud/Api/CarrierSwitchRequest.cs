namespace SimIoT.Cloud.Api;

/// <param name="Ttl">Seconds the command may wait to be sent before it expires (at most <c>Commands:MaxTimeToLive</c>).</param>
/// <param name="MaxAttempts">Transmissions before it times out (at most <c>Commands:MaxAttempts</c>).</param>
public sealed record CarrierSwitchRequest(string? Carrier, int? Ttl = null, int? MaxAttempts = null);
