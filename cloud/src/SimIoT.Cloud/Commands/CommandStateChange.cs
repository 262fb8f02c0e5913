using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Commands;

/// <summary>A record on the command-state topic: the gateway tells the API where a command is.</summary>
public sealed record CommandStateChange(
    [property: JsonPropertyName("commandId")] uint CommandId,
    [property: JsonPropertyName("modemId")] string ModemId,
    [property: JsonPropertyName("carrier")] string Carrier,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("at")] DateTime At,
    [property: JsonPropertyName("resultCarrier")] string? ResultCarrier = null,
    [property: JsonPropertyName("detail")] string? Detail = null);
