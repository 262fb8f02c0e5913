using System.Text.Json.Nodes;
using SimIoT.Protocol.Cli;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.Temporenc;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Tests.Vectors;

/// <summary>
/// The contents of every vector file, built from the C# implementation. The RFC 4493
/// and temporenc specification values are checked against the standards elsewhere;
/// VectorFileTests makes sure the committed files are exactly what this produces.
/// </summary>
public static partial class VectorSets
{
    public static readonly byte[] MasterKeyA = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    public static readonly byte[] MasterKeyB = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
    public static readonly ModemId ModemA = new(0x00000000000004d2);
    public static readonly ModemId ModemB = new(0x0123456789abcdef);

    public static IReadOnlyDictionary<string, (string Description, IReadOnlyList<JsonObject> Vectors)> All => new Dictionary<string, (string, IReadOnlyList<JsonObject>)>
    {
        ["temporenc.json"] = ("temporenc DTS values; month and day are 1-based here; a missing component is left out; fraction is in units of the precision", Temporenc()),
        ["v1.json"] = ("v1 seed packets: hex and the inspector's JSON form", V1()),
        ["v1-invalid.json"] = ("malformed v1 datagrams and the V1DecodeError each must produce", V1Invalid()),
        ["aes-cmac.json"] = ("RFC 4493 section 4 examples", AesCmac()),
        ["kdf.json"] = ("SP 800-108 counter-mode KDF with AES-CMAC: the four working keys of a modem", Kdf()),
        ["v2.json"] = ("complete v2 frames with the master key and plaintext they were sealed from", V2()),
        ["v3.json"] = ("complete v3 frames: the SUBMIT COMPACT bodies (space-separated) the card fills one frame from, the plaintext, and the v1 packets the readings decode to", V3()),
        ["v3-invalid.json"] = ("malformed compact payloads: the decode error, and the status word the card answers SUBMIT COMPACT with", V3Invalid()),
    };

    private static List<JsonObject> Temporenc()
    {
        var values = new (string Name, TemporencDateTime Value)[]
        {
            ("spec-ms", new(1983, 1, 15, 18, 25, 12, TemporencPrecision.Millisecond, 123)),
            ("spec-us", new(1983, 1, 15, 18, 25, 12, TemporencPrecision.Microsecond, 123456)),
            ("spec-ns", new(1983, 1, 15, 18, 25, 12, TemporencPrecision.Nanosecond, 123456789)),
            ("spec-none", new(1983, 1, 15, 18, 25, 12, TemporencPrecision.None)),
            ("leap-day-us", new(2024, 2, 29, 23, 59, 59, TemporencPrecision.Microsecond, 999999)),
            ("epoch-us", new(1970, 1, 1, 0, 0, 0, TemporencPrecision.Microsecond, 0)),
            ("new-year-2025-us", new(2025, 1, 1, 0, 0, 0, TemporencPrecision.Microsecond, 0)),
            ("all-missing-us", new(null, null, null, null, null, null, TemporencPrecision.Microsecond, 0)),
            ("time-only-ms", new(null, null, null, 12, 30, 0, TemporencPrecision.Millisecond, 500)),
            ("date-only-none", new(2026, 11, 24, null, null, null, TemporencPrecision.None)),
            ("leap-second-ns", new(2016, 12, 31, 23, 59, 60, TemporencPrecision.Nanosecond, 999999999)),
            ("max-year-us", new(4094, 12, 31, 23, 59, 59, TemporencPrecision.Microsecond, 999999)),
        };
        return values.Select(v =>
        {
            var o = new JsonObject { ["name"] = v.Name, ["precision"] = PrecisionName(v.Value.Precision), ["hex"] = Convert.ToHexStringLower(v.Value.ToArray()) };
            if (v.Value.Year is { } y) o["year"] = y;
            if (v.Value.Month is { } mo) o["month"] = mo;
            if (v.Value.Day is { } d) o["day"] = d;
            if (v.Value.Hour is { } h) o["hour"] = h;
            if (v.Value.Minute is { } mi) o["minute"] = mi;
            if (v.Value.Second is { } s) o["second"] = s;
            if (v.Value.Precision != TemporencPrecision.None) o["fraction"] = v.Value.Fraction;
            return o;
        }).ToList();
    }

    public static string PrecisionName(TemporencPrecision p) => p switch
    {
        TemporencPrecision.Millisecond => "ms",
        TemporencPrecision.Microsecond => "us",
        TemporencPrecision.Nanosecond => "ns",
        _ => "none",
    };

    public static IReadOnlyList<(string Name, V1Packet Packet)> V1Packets { get; } =
    [
        ("iot-data-imu-xyz", V1Packet.IotData(1, new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560), TelemetryValues.Encode(-12, 980, 31))),
        ("iot-data-gyro-xyz", V1Packet.IotData(2, new DateTime(2026, 11, 24, 10, 0, 0, 1, DateTimeKind.Utc), TelemetryValues.Encode(1500, -250, 0))),
        ("iot-data-temp", V1Packet.IotData(3, new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560), TelemetryValues.Encode(2342))),
        ("iot-data-seed-int", V1Packet.IotData(1, new DateTime(2023, 6, 2, 17, 27, 0, DateTimeKind.Utc).AddTicks(1_234_200), TelemetryValues.Encode(42))),
        ("iot-data-empty", V1Packet.IotData(0xFFFFFFFF, new DateTime(1983, 1, 15, 18, 25, 12, DateTimeKind.Utc).AddTicks(1_234_560), Array.Empty<byte>())),
        ("iot-status-nominal", V1Packet.IotStatusReport(IotStatus.Nominal)),
        ("iot-status-idle", V1Packet.IotStatusReport(IotStatus.Idle)),
        ("iot-status-off-nominal", V1Packet.IotStatusReport(IotStatus.OffNominal)),
        ("perform-att", V1Packet.Perform(Carrier.Att)),
        ("perform-tmobile", V1Packet.Perform(Carrier.TMobile)),
        ("perform-verizon", V1Packet.Perform(Carrier.Verizon)),
        ("perform-disconnect", V1Packet.Perform(Carrier.Disconnect)),
        ("ack-ack-tmobile", V1Packet.Ack(AckStatus.Ack, Carrier.TMobile)),
        ("ack-ack-verizon", V1Packet.Ack(AckStatus.Ack, Carrier.Verizon)),
        ("ack-nack-att", V1Packet.Ack(AckStatus.Nack, Carrier.Att)),
        ("ack-ack-disconnect", V1Packet.Ack(AckStatus.Ack, Carrier.Disconnect)),
    ];

    private static List<JsonObject> V1() => V1Packets.Select(v => new JsonObject
    {
        ["name"] = v.Name,
        ["hex"] = Convert.ToHexStringLower(v.Packet.ToArray()),
        ["json"] = PacketJson.ToJson(v.Packet).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
    }).ToList();

    public static IReadOnlyList<(string Name, string Hex, V1DecodeError Error)> InvalidV1 { get; } =
    [
        ("empty", "", V1DecodeError.Empty),
        ("v2-magic", "a2010000000000000001000000010000000000000000", V1DecodeError.SecureFrame),
        ("unknown-flow", "2000", V1DecodeError.UnknownFlow),
        ("unknown-topic-iot", "0200", V1DecodeError.UnknownTopic),
        ("unknown-topic-carrier", "1f00", V1DecodeError.UnknownTopic),
        ("status-truncated", "01", V1DecodeError.Truncated),
        ("status-invalid", "0130", V1DecodeError.InvalidStatus),
        ("status-padding", "0101", V1DecodeError.NonZeroPadding),
        ("perform-invalid-carrier", "1030", V1DecodeError.InvalidCarrier),
        ("perform-padding", "1021", V1DecodeError.NonZeroPadding),
        ("ack-invalid-status", "1121", V1DecodeError.InvalidStatus),
        ("ack-invalid-carrier", "1105", V1DecodeError.InvalidCarrier),
        ("ack-trailing", "110100", V1DecodeError.TrailingBytes),
        ("data-truncated-header", "0000000001", V1DecodeError.Truncated),
        ("data-timestamp-ms-precision", "000000000147bf07499307b00000", V1DecodeError.InvalidTimestamp),
        ("data-timestamp-missing-fields", "00000000015fffffffffc0000000", V1DecodeError.InvalidTimestamp),
        ("data-timestamp-feb-30", "000000000157e81eb00000000000", V1DecodeError.InvalidTimestamp),
        ("data-timestamp-leap-second", "000000000157e0bf5fbf00000000", V1DecodeError.InvalidTimestamp),
        ("data-short", "000000000157eaaba8000789000400002a", V1DecodeError.LengthMismatch),
        ("data-long", "000000000157eaaba800078900040000002aff", V1DecodeError.LengthMismatch),
    ];

    private static List<JsonObject> V1Invalid() => InvalidV1.Select(v => new JsonObject
    {
        ["name"] = v.Name,
        ["hex"] = v.Hex,
        ["error"] = v.Error.ToString(),
    }).ToList();

    // RFC 4493 §4, copied from the RFC: these are ground truth, not our output.
    private static List<JsonObject> AesCmac()
    {
        const string key = "2b7e151628aed2a6abf7158809cf4f3c";
        const string m = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
        return
        [
            new() { ["key"] = key, ["message"] = "", ["mac"] = "bb1d6929e95937287fa37d129b756746" },
            new() { ["key"] = key, ["message"] = m[..32], ["mac"] = "070a16b46b4d4144f79bdd9dd04a287c" },
            new() { ["key"] = key, ["message"] = m[..80], ["mac"] = "dfa66747de9ae63030ca32611497c827" },
            new() { ["key"] = key, ["message"] = m, ["mac"] = "51f0bebf7e3b9d92fc49741779363cfe" },
        ];
    }

    private static List<JsonObject> Kdf() =>
        new[] { (MasterKeyA, ModemA), (MasterKeyB, ModemB), (MasterKeyA, ModemB) }.Select(v => new JsonObject
        {
            ["masterKey"] = Convert.ToHexStringLower(v.Item1),
            ["modemId"] = v.Item2.ToString(),
            ["encUp"] = Convert.ToHexStringLower(ModemKeys.DeriveKey(v.Item1, v.Item2, ModemKeys.EncryptUplinkLabel)),
            ["macUp"] = Convert.ToHexStringLower(ModemKeys.DeriveKey(v.Item1, v.Item2, ModemKeys.MacUplinkLabel)),
            ["encDown"] = Convert.ToHexStringLower(ModemKeys.DeriveKey(v.Item1, v.Item2, ModemKeys.EncryptDownlinkLabel)),
            ["macDown"] = Convert.ToHexStringLower(ModemKeys.DeriveKey(v.Item1, v.Item2, ModemKeys.MacDownlinkLabel)),
        }).ToList();

    public static IReadOnlyList<(string Name, byte[] MasterKey, ModemId Modem, FrameKind Kind, uint Sequence, byte[] Plaintext)> Frames
    {
        get
        {
            byte[] Batch(params int[] indexes)
            {
                var packets = indexes.Select(i => V1Packets[i].Packet).ToList();
                var buffer = new byte[packets.Sum(p => p.EncodedLength)];
                UplinkBatchReader.Write(packets, buffer);
                return buffer;
            }
            return
            [
                ("uplink-keepalive", MasterKeyA, ModemA, FrameKind.UplinkData, 1, []),
                ("uplink-one-reading", MasterKeyA, ModemA, FrameKind.UplinkData, 2, Batch(2)),
                ("uplink-three-sensors", MasterKeyA, ModemA, FrameKind.UplinkData, 3, Batch(0, 1, 2)),
                ("uplink-with-status", MasterKeyB, ModemB, FrameKind.UplinkData, 0x01000000, Batch(2, 7)),
                ("uplink-ack", MasterKeyA, ModemA, FrameKind.UplinkAck, 1, new UplinkAck(3, 0b11).ToArray()),
                ("downlink-perform-verizon", MasterKeyA, ModemA, FrameKind.DownlinkCommand, 2, new CommandMessage(7, V1Packet.Perform(Carrier.Verizon)).ToArray()),
                ("downlink-perform-disconnect", MasterKeyB, ModemB, FrameKind.DownlinkCommand, 9, new CommandMessage(0xfffffffe, V1Packet.Perform(Carrier.Disconnect)).ToArray()),
                ("result-ack-verizon", MasterKeyA, ModemA, FrameKind.CommandResult, 4, new CommandMessage(7, V1Packet.Ack(AckStatus.Ack, Carrier.Verizon)).ToArray()),
                ("result-nack-att", MasterKeyA, ModemA, FrameKind.CommandResult, 5, new CommandMessage(8, V1Packet.Ack(AckStatus.Nack, Carrier.Att)).ToArray()),
                ("result-unsolicited-fallback", MasterKeyA, ModemA, FrameKind.CommandResult, 6, new CommandMessage(CommandMessage.UnsolicitedReport, V1Packet.Ack(AckStatus.Ack, Carrier.TMobile)).ToArray()),
            ];
        }
    }

    private static List<JsonObject> V2() => Frames.Select(f =>
    {
        using var keys = new ModemKeys(f.MasterKey, f.Modem);
        return new JsonObject
        {
            ["name"] = f.Name,
            ["masterKey"] = Convert.ToHexStringLower(f.MasterKey),
            ["modemId"] = f.Modem.ToString(),
            ["kind"] = FrameKindNames.ToName(f.Kind),
            ["kindByte"] = (int)f.Kind,
            ["sequence"] = f.Sequence,
            ["plaintext"] = Convert.ToHexStringLower(f.Plaintext),
            ["frame"] = Convert.ToHexStringLower(SecureFrame.Seal(keys, f.Kind, f.Sequence, f.Plaintext)),
        };
    }).ToList();
}
