using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Telemetry;

/// <summary>
/// A reading as the process carries it (<see cref="TelemetryPoint"/>) and as the seed's topic
/// carries it (<see cref="TelemetryMessage"/> JSON). JSON is made only where it leaves the process
/// (Kafka) or goes to a browser (SSE), and it is the same bytes the gateway used to publish.
/// </summary>
public static class TelemetryContract
{
    /// <summary>The point of an IoT Data packet; false when its data is not whole 32-bit values.</summary>
    public static bool TryCreate(string modemId, string topic, V1Packet reading, out TelemetryPoint point)
    {
        point = null!;
        if (reading.Kind != V1PacketKind.IotData || !TelemetryValues.TryDecode(reading.Data.Span, out var values))
            return false;
        // The topic's timestamp text has microseconds; the point keeps what the text would.
        long ticks = reading.Timestamp.Ticks;
        point = new TelemetryPoint(modemId, topic, reading.DeviceId, new DateTime(ticks - ticks % 10, DateTimeKind.Utc), values);
        return true;
    }

    /// <summary>The topic's JSON: the seed's <c>{timestamp, data}</c> plus modemId, deviceId and (multi-axis) values.</summary>
    public static byte[] ToJson(TelemetryPoint point) => ContractJson.Serialize(new TelemetryMessage(
        IsoTimestamp.ToText(point.Timestamp), point.Values[0], point.ModemId, point.DeviceId, point.Values.Length > 1 ? point.Values : null));

    /// <summary>The record's point: carried typed in process, parsed from its JSON otherwise (Kafka).</summary>
    public static bool TryRead(BusMessage message, out TelemetryPoint point)
    {
        if (message.Telemetry is { } typed)
        {
            point = typed;
            return true;
        }
        point = null!;
        if (!ContractJson.TryDeserialize<TelemetryMessage>(message.Value.Span, out var reading, out _) || reading is null
            || !IsoTimestamp.TryParse(reading.Timestamp, out var timestamp))
            return false;
        int[] values = reading.Values is { Count: > 0 } v ? [.. v] : [reading.Data];
        point = new TelemetryPoint(reading.ModemId ?? message.Key, message.Topic, reading.DeviceId ?? 0, timestamp, values);
        return true;
    }
}
