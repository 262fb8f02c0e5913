using System.Buffers.Binary;
using System.Text.Json;
using SimIoT.Edge.Readings;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Mqtt;

/// <summary>
/// Topic and payload of a satellite node's reading (docs/mqtt.md).
/// Topic <c>simiot/&lt;node&gt;/&lt;device&gt;</c>: node 1-32 of [A-Za-z0-9_-], device a catalog
/// nickname (imu, gyro, temp) or a decimal id. Payload, told apart by its first byte:
/// binary <c>01 | u64 BE µs since 1970 | int32 BE per axis</c> (13 bytes for one value), or JSON
/// <c>{"t": µs, "v": [ints]}</c>. A timestamp of 0 (or no "t") means "stamp on arrival", for
/// nodes without a clock.
/// </summary>
public static class MqttReadingPayload
{
    public const string TopicPrefix = "simiot/";
    public const byte BinaryVersion = 1;
    public const int BinaryHeaderLength = 9;

    /// <summary>Timestamps outside [2020, arrival + 1 day] are a node with a wrong clock: rejected.</summary>
    private static readonly DateTime Earliest = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static byte[] EncodeBinary(DateTime? timestampUtc, params ReadOnlySpan<int> values)
    {
        var payload = new byte[BinaryHeaderLength + 4 * values.Length];
        payload[0] = BinaryVersion;
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(1), timestampUtc is DateTime t ? (ulong)((t - DateTime.UnixEpoch).Ticks / 10) : 0);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(BinaryHeaderLength + 4 * i), values[i]);
        return payload;
    }

    /// <summary>False with a one-line reason when the topic or payload is malformed.</summary>
    public static bool TryDecode(string topic, ReadOnlySpan<byte> payload, DateTime arrivalUtc, DeviceCatalog catalog, out Reading reading, out string error)
    {
        reading = null!;
        if (!TryParseTopic(topic, catalog, out string node, out uint deviceId, out error)) return false;
        ulong micros;
        int[] values;
        if (payload.IsEmpty)
        {
            error = "empty payload";
            return false;
        }

        if (payload[0] == BinaryVersion)
        {
            if (payload.Length < BinaryHeaderLength + 4 || (payload.Length - BinaryHeaderLength) % 4 != 0)
            {
                error = $"binary payload of {payload.Length} bytes is not 9 + 4·n";
                return false;
            }

            micros = BinaryPrimitives.ReadUInt64BigEndian(payload[1..]);
            values = new int[(payload.Length - BinaryHeaderLength) / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32BigEndian(payload[(BinaryHeaderLength + 4 * i)..]);
        }
        else if (payload[0] == (byte)'{')
        {
            if (!TryParseJson(payload, out micros, out values, out error)) return false;
        }
        else
        {
            error = $"unknown payload format (first byte 0x{payload[0]:X2})";
            return false;
        }

        if (values.Length is 0 or > TelemetryValues.MaxAxes)
        {
            error = $"{values.Length} values (1 to {TelemetryValues.MaxAxes} allowed)";
            return false;
        }

        var profile = catalog.Resolve(deviceId);
        if (catalog.Profiles.Any(p => p.DeviceId == deviceId) && values.Length != profile.Axes.Count)
        {
            error = $"{profile.Nickname} takes {profile.Axes.Count} values, got {values.Length}";
            return false;
        }

        DateTime timestamp = arrivalUtc;
        if (micros != 0)
        {
            if (micros > (ulong)(DateTime.MaxValue - DateTime.UnixEpoch).Ticks / 10)
            {
                error = "timestamp out of range";
                return false;
            }

            timestamp = DateTime.UnixEpoch.AddTicks((long)micros * 10);
            if (timestamp < Earliest || timestamp > arrivalUtc.AddDays(1))
            {
                error = $"timestamp {timestamp:O} is implausible (node clock not set? send 0 to stamp on arrival)";
                return false;
            }
        }

        reading = new Reading(deviceId, timestamp, values, "mqtt:" + node);
        return true;
    }

    private static bool TryParseTopic(string topic, DeviceCatalog catalog, out string node, out uint deviceId, out string error)
    {
        node = "";
        deviceId = 0;
        error = "";
        var parts = topic.Split('/');
        if (parts.Length != 3 || parts[0] + "/" != TopicPrefix)
        {
            error = $"topic '{topic}' is not simiot/<node>/<device>";
            return false;
        }

        node = parts[1];
        if (node.Length is 0 or > 32 || !node.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            error = $"node name '{node}' is not 1-32 of [A-Za-z0-9_-]";
            return false;
        }

        if (catalog.TryFindByNickname(parts[2], out var profile))
        {
            deviceId = profile.DeviceId;
            return true;
        }

        // The path response's id is the SIM's proof to the cloud, never a node's sensor.
        if (uint.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out deviceId) && deviceId is not (0 or Protocol.V2.PathChallenge.ResponseDeviceId)) return true;
        error = $"device '{parts[2]}' is neither a catalog nickname nor a decimal id (1 to 4294967294)";
        return false;
    }

    private static bool TryParseJson(ReadOnlySpan<byte> payload, out ulong micros, out int[] values, out string error)
    {
        micros = 0;
        values = [];
        error = "";
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.TryGetProperty("t", out var t) && !t.TryGetUInt64(out micros))
            {
                error = "\"t\" is not a non-negative integer (µs since 1970)";
                return false;
            }

            if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Array)
            {
                error = "\"v\" (array of integers) is missing";
                return false;
            }

            var list = new List<int>();
            foreach (var item in v.EnumerateArray())
            {
                if (!item.TryGetInt32(out int value))
                {
                    error = "\"v\" holds a value that is not a 32-bit integer";
                    return false;
                }

                list.Add(value);
            }

            values = [.. list];
            return true;
        }
        catch (JsonException e)
        {
            error = "invalid JSON: " + e.Message;
            return false;
        }
    }
}
