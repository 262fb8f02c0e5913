namespace SimIoT.Cloud.Api;

/// <summary>The /readyz body: the overall status and each check's status and description.</summary>
public sealed record ReadinessReport(string Status, IReadOnlyDictionary<string, ReadinessCheck> Checks);
