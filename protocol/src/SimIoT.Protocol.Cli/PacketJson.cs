using System.Text.Json.Nodes;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.Cli;

/// <summary>The inspector's JSON form of a v1 packet (docs/protocol.md), both ways.</summary>
public static class PacketJson
{
    public static JsonObject ToJson(V1Packet packet) => packet.Kind switch
    {
        V1PacketKind.IotData => new JsonObject
        {
            ["flow"] = "iot",
            ["topic"] = "data",
            ["deviceId"] = packet.DeviceId,
            ["timestamp"] = IsoTimestamp.ToText(packet.Timestamp),
            ["data"] = Convert.ToHexStringLower(packet.Data.Span),
        },
        V1PacketKind.IotStatus => new JsonObject { ["flow"] = "iot", ["topic"] = "status", ["status"] = StatusName(packet.Status) },
        V1PacketKind.CarrierSwitchPerform => new JsonObject
        {
            ["flow"] = "carrier-switch",
            ["topic"] = "perform",
            ["carrier"] = CarrierNames.ToName(packet.Carrier),
        },
        _ => new JsonObject
        {
            ["flow"] = "carrier-switch",
            ["topic"] = "ack",
            ["status"] = packet.AckStatus == AckStatus.Ack ? "ACK" : "NACK",
            ["carrier"] = CarrierNames.ToName(packet.Carrier),
        },
    };

    public static V1Packet FromJson(JsonObject json)
    {
        string flow = Text(json, "flow"), topic = Text(json, "topic");
        return (flow, topic) switch
        {
            ("iot", "data") => V1Packet.IotData(DeviceId(json), Timestamp(json), Hex(json, "data")),
            ("iot", "status") => V1Packet.IotStatusReport(Text(json, "status") switch
            {
                "nominal" => IotStatus.Nominal,
                "idle" => IotStatus.Idle,
                "off-nominal" => IotStatus.OffNominal,
                var other => throw new InspectorException($"unknown status '{other}' (nominal, idle, off-nominal)"),
            }),
            ("carrier-switch", "perform") => V1Packet.Perform(Carrier(json)),
            ("carrier-switch", "ack") => V1Packet.Ack(Text(json, "status") switch
            {
                "ACK" => AckStatus.Ack,
                "NACK" => AckStatus.Nack,
                var other => throw new InspectorException($"unknown ack status '{other}' (ACK, NACK)"),
            }, Carrier(json)),
            _ => throw new InspectorException($"unknown flow/topic '{flow}/{topic}' (iot/data, iot/status, carrier-switch/perform, carrier-switch/ack)"),
        };
    }

    internal static string Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue(out string? text) ? text : throw new InspectorException($"missing or non-string field '{name}'");

    internal static byte[] Hex(JsonObject json, string name)
    {
        try
        {
            return Convert.FromHexString(Text(json, name));
        }
        catch (FormatException)
        {
            throw new InspectorException($"field '{name}' is not hex");
        }
    }

    private static string StatusName(IotStatus status) => status switch
    {
        IotStatus.Nominal => "nominal",
        IotStatus.Idle => "idle",
        _ => "off-nominal",
    };

    private static uint DeviceId(JsonObject json) =>
        json["deviceId"] is JsonValue v && v.TryGetValue(out long id) && id is >= 0 and <= uint.MaxValue
            ? (uint)id : throw new InspectorException("field 'deviceId' must be an integer 0..4294967295");

    private static DateTime Timestamp(JsonObject json)
    {
        var text = Text(json, "timestamp");
        if (!IsoTimestamp.TryParse(text, out var value) || value.Year > 4094)
            throw new InspectorException($"field 'timestamp' is not an ISO-8601 date and time: '{text}'");
        return value;
    }

    private static Carrier Carrier(JsonObject json)
    {
        var name = Text(json, "carrier");
        return CarrierNames.TryParse(name, out var carrier) ? carrier
            : throw new InspectorException($"unknown carrier '{name}' (valid: {CarrierNames.Valid})");
    }
}
