using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Commands;

/// <summary>A stored carrier switch command. <see cref="ResultCarrier"/> is the carrier the SIM reported with its result.</summary>
public sealed record CommandRecord(
    uint Id,
    ModemId ModemId,
    string Carrier,
    CommandState State,
    int Attempts,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? ResultCarrier = null,
    string? Detail = null,
    TimeSpan? TimeToLive = null,
    int? MaxAttempts = null);
