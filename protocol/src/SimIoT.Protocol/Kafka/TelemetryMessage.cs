using System.Text.Json.Serialization;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.Kafka;

/// <summary>
/// A reading on topic <c>&lt;nickname&gt;</c>: the seed's <c>{timestamp, data}</c> plus additive
/// fields. <see cref="Data"/> is the first axis; <see cref="Values"/> appears only for multi-axis devices.
/// </summary>
public sealed record TelemetryMessage(
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("data")] int Data,
    [property: JsonPropertyName("modemId")] string? ModemId = null,
    [property: JsonPropertyName("deviceId")] uint? DeviceId = null,
    [property: JsonPropertyName("values")] IReadOnlyList<int>? Values = null)
{
    /// <summary>The message for an IoT Data packet; false when its data is not whole 32-bit values.</summary>
    public static bool TryCreate(string modemId, V1Packet reading, out TelemetryMessage message)
    {
        message = null!;
        if (reading.Kind != V1PacketKind.IotData || !TelemetryValues.TryDecode(reading.Data.Span, out var values))
            return false;
        message = new TelemetryMessage(IsoTimestamp.ToText(reading.Timestamp), values[0], modemId, reading.DeviceId,
            values.Length > 1 ? values : null);
        return true;
    }
}
