namespace SimIoT.Cloud.Api;

/// <param name="MasterKey">The SIM's new 128-bit master key, 32 hex digits. Stored wrapped, never returned.</param>
public sealed record RekeyModemRequest(string? MasterKey);
