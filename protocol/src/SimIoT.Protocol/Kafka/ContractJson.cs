using System.Text.Json;
using System.Text.Json.Serialization;

namespace SimIoT.Protocol.Kafka;

/// <summary>Serialises the Kafka contracts: compact UTF-8 JSON, absent fields left out.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TelemetryMessage))]
[JsonSerializable(typeof(CarrierSwitchAckMessage))]
[JsonSerializable(typeof(DownstreamRequestMessage))]
public sealed partial class ContractJson : JsonSerializerContext
{
    // Python's json module (the seed's producers and consumers) writes "AT&T" as is; so do we.
    private static readonly ContractJson Relaxed = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    public static byte[] Serialize(TelemetryMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, Relaxed.TelemetryMessage);

    public static byte[] Serialize(CarrierSwitchAckMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, Relaxed.CarrierSwitchAckMessage);

    public static byte[] Serialize(DownstreamRequestMessage message) => JsonSerializer.SerializeToUtf8Bytes(message, Relaxed.DownstreamRequestMessage);

    /// <summary>Parses a message; false with a reason instead of an exception on bad input.</summary>
    public static bool TryDeserialize<T>(ReadOnlySpan<byte> utf8, out T? message, out string? error) where T : class
    {
        message = null;
        error = null;
        try
        {
            message = (T?)JsonSerializer.Deserialize(utf8, typeof(T), Default);
            if (message is null) error = "empty JSON";
        }
        catch (JsonException ex)
        {
            error = ex.Message;
        }
        return message is not null;
    }
}
