using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Edge.Readings;

/// <summary>
/// One SimIoT reading: a device id from the catalog (1 imu milli-g, 2 gyro milli-°/s, 3 temp
/// centi-°C), the UTC instant it was sampled (microseconds are what the wire keeps), one int32
/// per axis, and where it came from (a local sensor, or an MQTT node) for logs and counters.
/// </summary>
public sealed record Reading(uint DeviceId, DateTime TimestampUtc, int[] Values, string Origin)
{
    /// <summary>The seed's IoT Data packet the card will be handed.</summary>
    public V1Packet ToPacket() => V1Packet.IotData(DeviceId, TimestampUtc, TelemetryValues.Encode(Values));

    public override string ToString() => $"{Origin} device {DeviceId} @ {TimestampUtc:O}: [{string.Join(", ", Values)}]";
}
