using System.Text.Json.Nodes;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;
using SimIoT.Protocol.V3;

namespace SimIoT.Protocol.Tests.Vectors;

public static partial class VectorSets
{
    private static readonly DateTime T0 = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560);

    /// <summary>Each frame: the readings of each SUBMIT COMPACT in order (one block each); a fresh card numbers them from 1.</summary>
    public static IReadOnlyList<(string Name, byte[] MasterKey, ModemId Modem, uint Sequence, V1Packet[][] Submits)> V3Frames { get; } =
    [
        ("compact-three-sensors", MasterKeyA, ModemA, 1,
        [[
            V1Packet.IotData(1, T0, TelemetryValues.Encode(-12, 980, 31)),
            V1Packet.IotData(2, T0, TelemetryValues.Encode(1500, -250, 0)),
            V1Packet.IotData(3, T0.AddTicks(12_340), TelemetryValues.Encode(2342)),
        ]]),
        ("compact-across-submits", MasterKeyA, ModemA, 2,
        [
            [
                V1Packet.IotData(1, T0.AddMilliseconds(10), TelemetryValues.Encode(5, -128, 127)),
                V1Packet.IotData(255, T0.AddMilliseconds(10), TelemetryValues.Encode(100_000, -8_388_608)),
            ],
            [
                V1Packet.IotData(0, T0.AddMilliseconds(20), TelemetryValues.Encode(-2_000_000_000, int.MaxValue)),
                V1Packet.IotData(7, T0.AddMilliseconds(20).AddTicks(655_350), Array.Empty<byte>()),
            ],
        ]),
        ("compact-delta-coded", MasterKeyA, ModemA, 3,
        [[
            V1Packet.IotData(1, T0.AddMilliseconds(30), TelemetryValues.Encode(-12, 980, 31)),
            V1Packet.IotData(2, T0.AddMilliseconds(30), TelemetryValues.Encode(150_000, -250, 0)),
            V1Packet.IotData(1, T0.AddMilliseconds(34), TelemetryValues.Encode(-10, 1001, 29)),
            V1Packet.IotData(2, T0.AddMilliseconds(34), TelemetryValues.Encode(150_100, -251, 3)),
            V1Packet.IotData(1, T0.AddMilliseconds(38), TelemetryValues.Encode(-10, 1001, 29)),
            V1Packet.IotData(3, T0.AddMilliseconds(38), TelemetryValues.Encode(2342, 7)),
            V1Packet.IotData(3, T0.AddMilliseconds(42), TelemetryValues.Encode(2343)),
        ]]),
        ("compact-other-modem", MasterKeyB, ModemB, 1,
        [[
            V1Packet.IotData(3, new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), TelemetryValues.Encode(-1)),
        ]]),
    ];

    private static List<JsonObject> V3() => V3Frames.Select(f =>
    {
        using var keys = new ModemKeys(f.MasterKey, f.Modem);
        var submits = f.Submits.Select(Block).ToList();
        var plaintext = submits.SelectMany(b => b).ToArray();
        var packets = f.Submits.SelectMany(s => s).ToList();
        var v1 = new byte[packets.Sum(p => p.EncodedLength)];
        UplinkBatchReader.Write(packets, v1);
        return new JsonObject
        {
            ["name"] = f.Name,
            ["masterKey"] = Convert.ToHexStringLower(f.MasterKey),
            ["modemId"] = f.Modem.ToString(),
            ["sequence"] = f.Sequence,
            ["submits"] = string.Join(' ', submits.Select(Convert.ToHexStringLower)),
            ["plaintext"] = Convert.ToHexStringLower(plaintext),
            ["v1"] = Convert.ToHexStringLower(v1),
            ["frame"] = Convert.ToHexStringLower(SecureFrame.SealV3(keys, f.Sequence, plaintext)),
        };
    }).ToList();

    public static byte[] Block(V1Packet[] readings)
    {
        var block = new byte[255];
        int length = CompactReadings.WriteBlock(readings, block, out int taken);
        if (taken != readings.Length) throw new InvalidOperationException("a vector block must hold all its readings");
        return block[..length];
    }

    /// <summary>Malformed payloads; the card checks the framing only, so a bad time reaches the cloud and is refused there.</summary>
    public static IReadOnlyList<(string Name, string Hex, V1DecodeError Error, int CardStatus)> V3InvalidPayloads { get; } =
    [
        ("short-block-header", "00064f", V1DecodeError.Truncated, 0x6A80),
        ("empty-block", "00064f3ad5f3c48000", V1DecodeError.LengthMismatch, 0x6A80),
        ("short-reading-header", "00064f3ad5f3c4800101", V1DecodeError.Truncated, 0x6A80),
        ("values-cut-short", "00064f3ad5f3c48001014300000102", V1DecodeError.Truncated, 0x6A80),
        ("second-reading-missing", "00064f3ad5f3c4800201010000ff", V1DecodeError.Truncated, 0x6A80),
        ("delta-without-a-reading-before", "00064f3ad5f3c48001012100007f", V1DecodeError.LengthMismatch, 0x9000),
        ("base-after-year-4094", "7fffffffffffffff01010100007f", V1DecodeError.InvalidTimestamp, 0x9000),
    ];

    private static List<JsonObject> V3Invalid() => V3InvalidPayloads.Select(v =>
    {
        var reader = new CompactBatchReader(Convert.FromHexString(v.Hex));
        while (reader.TryRead(out _, out var error) || error != V1DecodeError.None)
        {
            if (error != V1DecodeError.None)
            {
                if (error != v.Error) throw new InvalidOperationException($"{v.Name}: {error}, expected {v.Error}");
                return new JsonObject { ["name"] = v.Name, ["hex"] = v.Hex, ["error"] = v.Error.ToString(), ["cardStatus"] = v.CardStatus.ToString("x4") };
            }
        }
        throw new InvalidOperationException($"{v.Name} decodes without error");
    }).ToList();
}
