using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// A record on modem-bindings: <paramref name="Gateway"/> took the modem's binding with the fresh
/// frame <paramref name="Sequence"/> from <paramref name="Endpoint"/>. The frame sequence orders
/// these records whatever order they arrive in: the modem's counter only goes up.
/// </summary>
public sealed record ModemBinding(
    [property: JsonPropertyName("modemId")] string ModemId,
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("endpoint")] string Endpoint,
    [property: JsonPropertyName("sequence")] uint Sequence);
