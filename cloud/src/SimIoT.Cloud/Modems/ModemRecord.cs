using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Modems;

/// <summary>A modem as stored, in exactly one organization. The master key never leaves the store through the API.</summary>
/// <param name="DownlinkEndpoint">A legacy v1 modem's fixed downlink address ("host:port"), where commands go instead of its source address.</param>
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
    string Organization = Identity.OrganizationNames.Default,
    IReadOnlyList<string>? Tags = null,
    string? DownlinkEndpoint = null);
