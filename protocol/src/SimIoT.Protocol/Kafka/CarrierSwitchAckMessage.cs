using System.Text.Json.Serialization;

namespace SimIoT.Protocol.Kafka;

/// <summary>A message on <c>carrier-switch-ack</c>: the seed's <c>{status, carrier}</c> plus additive fields.</summary>
public sealed record CarrierSwitchAckMessage(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("carrier")] string Carrier,
    [property: JsonPropertyName("modemId")] string? ModemId = null,
    [property: JsonPropertyName("commandId")] uint? CommandId = null)
{
    public const string Ack = "ACK";
    public const string Nack = "NACK";
}
