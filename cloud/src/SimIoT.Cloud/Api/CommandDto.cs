namespace SimIoT.Cloud.Api;

public sealed record CommandDto(uint Id, string ModemId, string Carrier, string State, int Attempts, DateTime CreatedAt, DateTime UpdatedAt, string? ResultCarrier, string? Detail);
