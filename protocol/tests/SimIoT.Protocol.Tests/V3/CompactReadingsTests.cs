using SimIoT.Protocol.Tests.Vectors;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;
using SimIoT.Protocol.V3;

namespace SimIoT.Protocol.Tests.V3;

public class CompactReadingsTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Every_v3_vector_opens_and_decodes_to_exactly_its_v1_packets()
    {
        var vectors = VectorFile.Read("v3.json");
        Assert.Equal(4, vectors.Count);
        foreach (var v in vectors)
        {
            var frame = Convert.FromHexString((string)v["frame"]!);
            using var keys = new ModemKeys(Convert.FromHexString((string)v["masterKey"]!), ModemId.Parse((string)v["modemId"]!));
            var payload = new byte[frame.Length];
            Assert.Equal(FrameError.None, SecureFrame.Open(keys, frame, payload, out var header));
            Assert.Equal(3, header.Version);
            Assert.Equal(FrameKind.UplinkData, header.Kind);
            Assert.Equal((string)v["plaintext"]!, Convert.ToHexStringLower(payload.AsSpan(0, header.PayloadLength)));
            Assert.Equal((string)v["v1"]!, Convert.ToHexStringLower(ToV1(payload.AsMemory(0, header.PayloadLength), 3)));
        }
    }

    [Fact]
    public void Every_invalid_vector_stops_with_its_error()
    {
        foreach (var v in VectorFile.Read("v3-invalid.json"))
        {
            var reader = new UplinkBatchReader(Convert.FromHexString((string)v["hex"]!), 3);
            V1DecodeError error;
            while (reader.TryRead(out _, out error)) { }
            Assert.Equal((string)v["error"]!, error.ToString());
        }
    }

    [Fact]
    public void Random_readings_round_trip_exactly_through_blocks()
    {
        var random = new Random(14);
        var readings = new List<V1Packet>();
        var at = T0;
        for (int i = 0; i < 2000; i++)
        {
            at = at.AddTicks(random.Next(0, 70_000) * 10); // now and then a step too long for one block
            int axes = random.Next(0, 4);
            var values = new int[axes];
            for (int a = 0; a < axes; a++) values[a] = random.Next(5) switch { 0 => random.Next(-128, 128), 1 => random.Next(-40_000, 40_000), 2 => random.Next(-9_000_000, 9_000_000), 3 => random.Next(int.MinValue, int.MaxValue), _ => int.MinValue };
            readings.Add(V1Packet.IotData((uint)random.Next(256), at, axes == 0 ? Array.Empty<byte>() : TelemetryValues.Encode(values)));
        }
        var payload = new List<byte>();
        int done = 0;
        while (done < readings.Count)
        {
            var block = new byte[random.Next(40, 256)];
            int length = CompactReadings.WriteBlock(readings.ToArray().AsSpan(done), block, out int taken);
            Assert.True(taken > 0);
            payload.AddRange(block[..length]);
            done += taken;
        }
        var decoded = new List<V1Packet>();
        var reader = new UplinkBatchReader(payload.ToArray(), 3);
        while (reader.TryRead(out var packet, out _)) decoded.Add(packet);
        Assert.Equal(readings.Select(r => Convert.ToHexString(r.ToArray())), decoded.Select(r => Convert.ToHexString(r.ToArray())));
    }

    [Fact]
    public void Values_take_the_narrowest_width_that_holds_all_of_them()
    {
        Assert.Equal(4 + 3, CompactReadings.EncodedLength(V1Packet.IotData(1, T0, TelemetryValues.Encode(-128, 127, 0))));
        Assert.Equal(4 + 6, CompactReadings.EncodedLength(V1Packet.IotData(1, T0, TelemetryValues.Encode(-12, 980, 31))));
        Assert.Equal(4 + 6, CompactReadings.EncodedLength(V1Packet.IotData(1, T0, TelemetryValues.Encode(-8_388_608, 8_388_607))));
        Assert.Equal(4 + 4, CompactReadings.EncodedLength(V1Packet.IotData(3, T0, TelemetryValues.Encode(int.MinValue))));
    }

    [Fact]
    public void A_reading_close_to_the_previous_one_of_its_device_is_delta_coded()
    {
        var block = new byte[255];
        int plain = CompactReadings.WriteBlock([V1Packet.IotData(2, T0, TelemetryValues.Encode(150_000, -250, 0))], block, out _);
        int both = CompactReadings.WriteBlock([V1Packet.IotData(2, T0, TelemetryValues.Encode(150_000, -250, 0)), V1Packet.IotData(2, T0, TelemetryValues.Encode(150_100, -251, 3))], block, out _);
        Assert.Equal(4 + 3, both - plain); // 100, -1, 3 fit one byte each
        Assert.Equal(0x20 | 0x03, block[plain + 1]);
    }

    [Fact]
    public void A_block_stops_before_a_reading_back_in_time_or_too_far_ahead()
    {
        var data = TelemetryValues.Encode(1);
        var block = new byte[255];
        CompactReadings.WriteBlock([V1Packet.IotData(1, T0, data), V1Packet.IotData(1, T0.AddTicks(-10), data)], block, out int taken);
        Assert.Equal(1, taken);
        CompactReadings.WriteBlock([V1Packet.IotData(1, T0, data), V1Packet.IotData(1, T0.AddTicks(655_350), data), V1Packet.IotData(1, T0.AddTicks(1_310_710), data)], block, out taken);
        Assert.Equal(2, taken);
        Assert.Equal(0, CompactReadings.WriteBlock([V1Packet.IotData(1, T0, data)], block.AsSpan(0, 12), out taken));
    }

    [Theory]
    [InlineData(256u, 4)]
    [InlineData(1u, 3)]
    public void Readings_without_a_compact_form_are_recognised(uint device, int dataLength)
    {
        Assert.False(CompactReadings.CanEncode(V1Packet.IotData(device, T0, new byte[dataLength])));
        Assert.False(CompactReadings.CanEncode(V1Packet.IotData(1, new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc), new byte[4])));
        Assert.True(CompactReadings.CanEncode(V1Packet.IotData(255, T0, new byte[8])));
    }

    [Fact]
    public void A_v3_frame_of_another_kind_than_uplink_data_is_refused()
    {
        using var keys = new ModemKeys(VectorSets.MasterKeyA, VectorSets.ModemA);
        var frame = SecureFrame.SealV3(keys, 5, [1, 2, 3]);
        frame[1] = (byte)FrameKind.CommandResult;
        Assert.Equal(FrameError.UnknownKind, SecureFrame.TryReadHeader(frame, out _));
        Assert.True(SecureFrame.IsSecureFrame(frame));
    }

    [Fact]
    public void The_version_byte_is_authenticated()
    {
        using var keys = new ModemKeys(VectorSets.MasterKeyA, VectorSets.ModemA);
        var frame = SecureFrame.SealV3(keys, 5, CompactBlock());
        frame[0] = SecureFrame.Magic;
        Assert.Equal(FrameError.BadTag, SecureFrame.Open(keys, frame, new byte[frame.Length], out _));
    }

    private static byte[] CompactBlock() => VectorSets.Block([V1Packet.IotData(1, T0, TelemetryValues.Encode(1, 2, 3))]);

    private static byte[] ToV1(ReadOnlyMemory<byte> payload, int version)
    {
        var packets = new List<V1Packet>();
        var reader = new UplinkBatchReader(payload, version);
        while (reader.TryRead(out var packet, out var error) || error != V1DecodeError.None)
        {
            Assert.Equal(V1DecodeError.None, error);
            packets.Add(packet);
        }
        var bytes = new byte[packets.Sum(p => p.EncodedLength)];
        UplinkBatchReader.Write(packets, bytes);
        return bytes;
    }
}
