using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SimIoT.Protocol.Cli;
using SimIoT.Protocol.Tests.Vectors;
using SimIoT.Protocol.V1;

namespace SimIoT.Protocol.Tests.V1;

public class V1CodecTests
{
    [Fact]
    public void Decodes_every_vector_to_its_json_and_encodes_it_back_byte_for_byte()
    {
        var vectors = VectorFile.Read("v1.json");
        Assert.Equal(16, vectors.Count);
        foreach (var v in vectors)
        {
            var bytes = Convert.FromHexString((string)v["hex"]!);
            Assert.True(V1Codec.TryDecode(bytes, out var packet, out var error), $"{v["name"]}: {error}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse((string)v["json"]!), PacketJson.ToJson(packet)), (string)v["name"]!);
            Assert.Equal(bytes, packet.ToArray());
        }
    }

    [Fact]
    public void Lays_out_the_seed_fields_where_the_seed_put_them()
    {
        var stamp = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560);
        var bytes = V1Packet.IotData(0x01020304, stamp, new byte[] { 0, 0, 0, 42 }).ToArray();
        Assert.Equal("00" + "01020304" + "57eaaba800078900" + "04" + "0000002a", Convert.ToHexStringLower(bytes));
        Assert.Equal("1020", Convert.ToHexStringLower(V1Packet.Perform(Carrier.Verizon).ToArray()));
        Assert.Equal("10f0", Convert.ToHexStringLower(V1Packet.Perform(Carrier.Disconnect).ToArray()));
        Assert.Equal("1110", Convert.ToHexStringLower(V1Packet.Ack(AckStatus.Nack, Carrier.Att).ToArray()));
        Assert.Equal("0120", Convert.ToHexStringLower(V1Packet.IotStatusReport(IotStatus.OffNominal).ToArray()));
    }

    [Fact]
    public void Reports_the_specific_error_of_every_invalid_vector()
    {
        foreach (var v in VectorFile.Read("v1-invalid.json"))
        {
            Assert.False(V1Codec.TryDecode(Convert.FromHexString((string)v["hex"]!), out _, out var error));
            Assert.Equal((string)v["error"]!, error.ToString());
        }
    }

    [Fact]
    public void Decoding_allocates_nothing()
    {
        var datagram = (ReadOnlyMemory<byte>)Convert.FromHexString("000000000157eaaba800078900040000002a");
        V1Codec.TryDecode(datagram, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) V1Codec.TryDecode(datagram, out _, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Property(MaxTest = 1000)]
    public Property Every_packet_kind_round_trips() =>
        Prop.ForAll(Arbitraries.Packet(), packet =>
            V1Codec.TryDecode(packet.ToArray(), out var back, out _) && back == packet);

    [Property(MaxTest = 1000)]
    public Property Concatenated_packets_decode_one_by_one() =>
        Prop.ForAll(Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(Arbitraries.Packet().Generator, n)).ToArbitrary(), packets =>
        {
            var buffer = new byte[packets.Sum(p => p.EncodedLength)];
            SimIoT.Protocol.V2.UplinkBatchReader.Write(packets, buffer);
            var reader = new SimIoT.Protocol.V2.UplinkBatchReader(buffer);
            var back = new List<V1Packet>();
            while (reader.TryRead(out var p, out _)) back.Add(p);
            return back.SequenceEqual(packets);
        });

    [Property(MaxTest = 5000)]
    public bool Random_bytes_never_throw(byte[] bytes)
    {
        bool ok = V1Codec.TryDecode(bytes, out var packet, out var error);
        return ok ? error == V1DecodeError.None && packet.EncodedLength == bytes.Length : error != V1DecodeError.None;
    }

    [Property(MaxTest = 3000)]
    public Property Mutated_packets_never_throw_and_still_encode_what_they_decode() =>
        Prop.ForAll(Arbitraries.Packet(), Gen.Choose(0, 1000).ToArbitrary(),
            (from value in Gen.Choose(0, 255) from resize in Gen.Choose(-3, 3) select (value, resize)).ToArbitrary(),
            (packet, at, change) =>
            {
                var (value, resize) = change;
                var bytes = packet.ToArray().ToList();
                bytes[at % bytes.Count] = (byte)value;
                if (resize > 0) bytes.AddRange(Enumerable.Repeat((byte)value, resize));
                else if (resize < 0) bytes.RemoveRange(Math.Max(0, bytes.Count + resize), Math.Min(bytes.Count, -resize));
                var mutated = bytes.ToArray();
                return !V1Codec.TryDecode(mutated, out var decoded, out _) || decoded.ToArray().AsSpan().SequenceEqual(mutated);
            });
}
