namespace SimIoT.Cloud.Store;

/// <summary>What a PATCH changes; a null field stays as it is (the downlink endpoint is cleared with <paramref name="SetDownlinkEndpoint"/> and null).</summary>
public sealed record ModemPatch(string? Nickname, IReadOnlyList<string>? Tags, bool SetDownlinkEndpoint, string? DownlinkEndpoint);
