namespace SimIoT.Cloud.Api;

public sealed record ReadinessCheck(string Status, string? Description);
