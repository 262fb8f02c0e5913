using System.Text.Json.Serialization;

namespace SimIoT.Protocol.Kafka;

/// <summary>
/// A message on <c>downstream-request</c>: the seed's <c>{type, metadata}</c> (for
/// <c>carrier-switch-perform</c>, metadata is the carrier name) plus additive fields.
/// A seed producer leaves <see cref="ModemId"/> out; the gateway then picks the modem.
/// </summary>
public sealed record DownstreamRequestMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("metadata")] string Metadata,
    [property: JsonPropertyName("modemId")] string? ModemId = null,
    [property: JsonPropertyName("commandId")] uint? CommandId = null);
