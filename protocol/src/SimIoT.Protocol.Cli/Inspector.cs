using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;
using SimIoT.Protocol.V3;

namespace SimIoT.Protocol.Cli;

/// <summary>
/// Turns a datagram into its JSON description and back. v1 packets need nothing else;
/// v2 and v3 frames need the modem's master key to show or build their payload
/// (a v3 frame's compact readings are shown as the v1 packets they stand for).
/// </summary>
public static class Inspector
{
    public static JsonObject Decode(string hex, byte[]? masterKey)
    {
        byte[] bytes = ParseHex(hex, "datagram");
        if (!SecureFrame.IsSecureFrame(bytes))
        {
            return V1Codec.TryDecode(bytes, out var packet, out var error)
                ? PacketJson.ToJson(packet)
                : throw new InspectorException($"not a valid v1 packet: {error}");
        }

        if (PathChallenge.TryRead(bytes, out var challenged, out var nonce))
        {
            return new JsonObject { ["version"] = 2, ["kind"] = "path-challenge", ["modemId"] = challenged.ToString(), ["nonce"] = Convert.ToHexStringLower(nonce) };
        }

        var headerError = SecureFrame.TryReadHeader(bytes, out var header);
        if (headerError != FrameError.None) throw new InspectorException($"not a valid v{(bytes[0] == SecureFrame.MagicV3 ? 3 : 2)} frame: {headerError}");
        var json = new JsonObject
        {
            ["version"] = header.Version,
            ["kind"] = FrameKindNames.ToName(header.Kind),
            ["modemId"] = header.ModemId.ToString(),
            ["sequence"] = header.Sequence,
        };
        if (masterKey is null)
        {
            json["ciphertext"] = Convert.ToHexStringLower(bytes.AsSpan(SecureFrame.HeaderLength, header.PayloadLength));
            json["tag"] = Convert.ToHexStringLower(bytes.AsSpan(bytes.Length - SecureFrame.TagLength));
            return json;
        }

        using var keys = new ModemKeys(masterKey, header.ModemId);
        var payload = new byte[header.PayloadLength];
        var openError = SecureFrame.Open(keys, bytes, payload, out _);
        if (openError != FrameError.None)
            throw new InspectorException(openError == FrameError.BadTag ? $"v{header.Version} frame tag does not verify with this master key" : $"v{header.Version} frame rejected: {openError}");
        json["plaintext"] = Convert.ToHexStringLower(payload);
        DescribePayload(header, payload, json);
        return json;
    }

    public static string Encode(string jsonText, byte[]? masterKey)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(jsonText) as JsonObject ?? throw new InspectorException("JSON input must be an object");
        }
        catch (JsonException ex)
        {
            throw new InspectorException($"malformed JSON: {ex.Message}");
        }

        if (json["version"] is null)
            return Convert.ToHexStringLower(PacketJson.FromJson(json).ToArray());

        if (json["version"] is not JsonValue version || !version.TryGetValue(out int v) || v is not (2 or 3))
            throw new InspectorException("field 'version' must be 2 or 3 (leave it out for a v1 packet)");
        if (masterKey is null) throw new InspectorException($"a v{v} frame needs the modem's master key (--key HEX)");

        var kind = FrameKindNames.Parse(PacketJson.Text(json, "kind"));
        if (v == 3 && kind != FrameKind.UplinkData) throw new InspectorException("a v3 frame is uplink-data only");
        var modemText = PacketJson.Text(json, "modemId");
        if (!ModemId.TryParse(modemText, out var modemId)) throw new InspectorException($"field 'modemId' is not a modem id: '{modemText}'");
        if (json["sequence"] is not JsonValue seqValue || !seqValue.TryGetValue(out long sequence) || sequence is < 1 or > uint.MaxValue)
            throw new InspectorException("field 'sequence' must be an integer 1..4294967295");

        byte[] payload = json["plaintext"] is not null ? PacketJson.Hex(json, "plaintext") : v == 3 ? BuildCompactPayload(json) : BuildPayload(kind, json);
        if (payload.Length > SecureFrame.MaxPayloadLength) throw new InspectorException($"payload exceeds {SecureFrame.MaxPayloadLength} bytes");
        using var keys = new ModemKeys(masterKey, modemId);
        return Convert.ToHexStringLower(v == 3 ? SecureFrame.SealV3(keys, (uint)sequence, payload) : SecureFrame.Seal(keys, kind, (uint)sequence, payload));
    }

    public static byte[] ParseHex(string text, string what)
    {
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c) && c != ':').ToArray());
        if (compact.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) compact = compact[2..];
        if (compact.Length == 0) throw new InspectorException($"{what} is empty");
        try
        {
            return Convert.FromHexString(compact);
        }
        catch (FormatException)
        {
            throw new InspectorException($"{what} is not hex (an even number of 0-9a-f digits)");
        }
    }

    private static void DescribePayload(SecureFrameHeader header, byte[] payload, JsonObject json)
    {
        switch (header.Kind)
        {
            case FrameKind.UplinkData:
                var packets = new JsonArray();
                var reader = new UplinkBatchReader(payload, header.Version);
                V1DecodeError error;
                while (reader.TryRead(out var packet, out error)) packets.Add(PacketJson.ToJson(packet));
                if (error != V1DecodeError.None)
                    throw new InspectorException($"v{header.Version} payload malformed after {packets.Count} reading(s): {error} (plaintext {json["plaintext"]})");
                json["packets"] = packets;
                break;
            case FrameKind.UplinkAck:
                if (UplinkAck.TryRead(payload, out var ack))
                {
                    json["highest"] = ack.Highest;
                    json["bitmap"] = ack.Bitmap.ToString("x16", CultureInfo.InvariantCulture);
                }
                break;
            default:
                if (CommandMessage.TryRead(payload, out var message))
                {
                    json["commandId"] = message.CommandId;
                    json["packet"] = PacketJson.ToJson(message.Packet);
                }
                break;
        }
    }

    private static List<V1Packet> Packets(JsonObject json) =>
        (json["packets"] as JsonArray ?? throw new InspectorException("uplink-data needs 'plaintext' or a 'packets' array"))
            .Select(p => PacketJson.FromJson(p as JsonObject ?? throw new InspectorException("each packet must be an object")))
            .ToList();

    // Blocks as the card would fill them, each as long as a SUBMIT COMPACT body can be.
    private static byte[] BuildCompactPayload(JsonObject json)
    {
        var packets = Packets(json).ToArray();
        var payload = new List<byte>();
        var block = new byte[byte.MaxValue];
        for (int next = 0; next < packets.Length;)
        {
            if (!CompactReadings.CanEncode(packets[next]))
                throw new InspectorException($"packet {next + 1} has no compact form (iot/data from device 0-255, after 1970, at most {CompactReadings.MaxValues} int32 values): use version 2");
            int length = CompactReadings.WriteBlock(packets.AsSpan(next), block, out int taken);
            payload.AddRange(block.AsSpan(0, length));
            next += taken;
        }
        return payload.ToArray();
    }

    private static byte[] BuildPayload(FrameKind kind, JsonObject json)
    {
        switch (kind)
        {
            case FrameKind.UplinkData:
                var packets = Packets(json);
                var buffer = new byte[packets.Sum(p => p.EncodedLength)];
                UplinkBatchReader.Write(packets, buffer);
                return buffer;
            case FrameKind.UplinkAck:
                if (json["highest"] is not JsonValue h || !h.TryGetValue(out long highest) || highest is < 0 or > uint.MaxValue)
                    throw new InspectorException("uplink-ack needs 'highest' (integer) and 'bitmap' (16 hex digits)");
                if (!ulong.TryParse(PacketJson.Text(json, "bitmap"), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bitmap))
                    throw new InspectorException("field 'bitmap' must be up to 16 hex digits");
                return new UplinkAck((uint)highest, bitmap).ToArray();
            default:
                if (json["commandId"] is not JsonValue c || !c.TryGetValue(out long commandId) || commandId is < 0 or > uint.MaxValue)
                    throw new InspectorException($"{FrameKindNames.ToName(kind)} needs 'commandId' (integer) and 'packet' (object)");
                var packet = PacketJson.FromJson(json["packet"] as JsonObject ?? throw new InspectorException("field 'packet' must be an object"));
                return new CommandMessage((uint)commandId, packet).ToArray();
        }
    }
}
