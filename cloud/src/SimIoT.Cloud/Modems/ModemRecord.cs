using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Modems;

/// <summary>A modem as stored, in exactly one organization. The master key never leaves the store through the API.</summary>
public sealed record ModemRecord(
    ModemId Id,
    string Nickname,
    ModemProtocol Protocol,
    byte[]? MasterKey,
    DateTime RegisteredAt,
    string? Carrier = null,
    DateTime? LastSeen = null,
    string? Endpoint = null,
    uint UplinkHighest = 0,
    ulong UplinkBitmap = 0,
    string Organization = Identity.OrganizationNames.Default);
