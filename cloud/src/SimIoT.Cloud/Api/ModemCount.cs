namespace SimIoT.Cloud.Api;

/// <summary>How many modems match a fleet filter.</summary>
public sealed record ModemCount(long Count);
