namespace SimIoT.Cloud.Api;

/// <param name="Id">16 hex digits.</param>
/// <param name="MasterKey">The SIM's 128-bit master key, 32 hex digits. Stored, never returned.</param>
public sealed record RegisterModemRequest(string? Id, string? Nickname, string? MasterKey);
