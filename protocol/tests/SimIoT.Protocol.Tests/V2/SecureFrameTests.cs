using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SimIoT.Protocol.Tests.Vectors;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Tests.V2;

public class SecureFrameTests
{
    private static ModemKeys KeysA() => new(VectorSets.MasterKeyA, VectorSets.ModemA);

    [Fact]
    public void Every_vector_frame_opens_to_its_plaintext_and_reseals_identically()
    {
        var vectors = VectorFile.Read("v2.json");
        Assert.Equal(10, vectors.Count);
        foreach (var v in vectors)
        {
            var frame = Convert.FromHexString((string)v["frame"]!);
            using var keys = new ModemKeys(Convert.FromHexString((string)v["masterKey"]!), ModemId.Parse((string)v["modemId"]!));
            var payload = new byte[frame.Length];
            Assert.Equal(FrameError.None, SecureFrame.Open(keys, frame, payload, out var header));
            Assert.Equal((string)v["plaintext"]!, Convert.ToHexStringLower(payload.AsSpan(0, header.PayloadLength)));
            Assert.Equal((int)v["kindByte"]!, (int)header.Kind);
            Assert.Equal((uint)(long)v["sequence"]!, header.Sequence);
            Assert.Equal(frame, SecureFrame.Seal(keys, header.Kind, header.Sequence, payload.AsSpan(0, header.PayloadLength)));
        }
    }

    [Fact]
    public void The_header_is_clear_and_the_payload_is_not()
    {
        using var keys = KeysA();
        var plaintext = V1Packet.Perform(Carrier.Verizon).ToArray();
        var frame = SecureFrame.Seal(keys, FrameKind.DownlinkCommand, 0x01020304, new CommandMessage(7, V1Packet.Perform(Carrier.Verizon)).ToArray());
        Assert.Equal("a203" + "00000000000004d2" + "01020304", Convert.ToHexStringLower(frame.AsSpan(0, 14)));
        Assert.Equal(SecureFrame.Overhead + 6, frame.Length);
        Assert.DoesNotContain(Convert.ToHexStringLower(plaintext), Convert.ToHexStringLower(frame.AsSpan(14)));
    }

    [Fact]
    public void A_v1_decoder_rejects_a_v2_frame_cleanly()
    {
        using var keys = KeysA();
        var frame = SecureFrame.Seal(keys, FrameKind.UplinkData, 1, []);
        Assert.False(V1Codec.TryDecode(frame, out _, out var error));
        Assert.Equal(V1DecodeError.SecureFrame, error);
    }

    [Fact]
    public void Frames_sealed_for_one_direction_do_not_open_as_the_other()
    {
        using var keys = KeysA();
        var uplink = SecureFrame.Seal(keys, FrameKind.UplinkData, 5, [1, 2, 3]);
        uplink[1] = (byte)FrameKind.UplinkAck; // reflect it back as if the cloud had sent it
        Assert.Equal(FrameError.BadTag, SecureFrame.Open(keys, uplink, new byte[64], out _));
    }

    [Fact]
    public void Another_modems_keys_do_not_open_the_frame()
    {
        using var keys = KeysA();
        using var other = new ModemKeys(VectorSets.MasterKeyB, VectorSets.ModemA);
        var frame = SecureFrame.Seal(keys, FrameKind.UplinkData, 1, [9]);
        Assert.Equal(FrameError.BadTag, SecureFrame.Open(other, frame, new byte[16], out _));
    }

    [Fact]
    public void A_replay_is_refused_and_a_forgery_does_not_move_the_window()
    {
        using var keys = KeysA();
        var window = new ReplayWindow();
        var first = SecureFrame.Seal(keys, FrameKind.UplinkData, 10, [1]);
        var buffer = new byte[16];
        Assert.Equal(FrameError.None, SecureFrame.Open(keys, first, buffer, out _, window));
        Assert.Equal(FrameError.Replayed, SecureFrame.Open(keys, first, buffer, out _, window));

        var forged = SecureFrame.Seal(keys, FrameKind.UplinkData, 500, [1]);
        forged[^1] ^= 0x80;
        Assert.Equal(FrameError.BadTag, SecureFrame.Open(keys, forged, buffer, out _, window));
        Assert.Equal(10u, window.Highest);
        Assert.Equal(FrameError.None, SecureFrame.Open(keys, SecureFrame.Seal(keys, FrameKind.UplinkData, 9, [1]), buffer, out _, window));
    }

    [Theory]
    [InlineData("", FrameError.NotSecureFrame)]
    [InlineData("1020", FrameError.NotSecureFrame)]
    [InlineData("a201", FrameError.Truncated)]
    [InlineData("a20900000000000004d2000000010000000000000000", FrameError.UnknownKind)]
    [InlineData("a20100000000000004d2000000000000000000000000", FrameError.ZeroSequence)]
    public void Header_errors_are_typed(string hex, FrameError expected) =>
        Assert.Equal(expected, SecureFrame.TryReadHeader(Convert.FromHexString(hex), out _));

    [Fact]
    public void Oversized_datagrams_are_refused_before_any_crypto()
    {
        var big = new byte[SecureFrame.MaxFrameLength + 1];
        big[0] = SecureFrame.Magic;
        big[1] = 1;
        big[13] = 1;
        Assert.Equal(FrameError.TooLarge, SecureFrame.TryReadHeader(big, out _));
    }

    [Property(MaxTest = 300)]
    public Property Every_kind_round_trips_any_payload() =>
        Prop.ForAll(Gen.Elements(Enum.GetValues<FrameKind>()).ToArbitrary(), Gen.Choose(1, int.MaxValue).ToArbitrary(),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Where(p => p.Length <= SecureFrame.MaxPayloadLength).ToArbitrary(),
            (kind, sequence, payload) =>
            {
                using var keys = KeysA();
                var frame = SecureFrame.Seal(keys, kind, (uint)sequence, payload);
                var back = new byte[payload.Length];
                return SecureFrame.Open(keys, frame, back, out var header) == FrameError.None
                    && header.Kind == kind && header.Sequence == (uint)sequence && back.AsSpan().SequenceEqual(payload);
            });

    [Property(MaxTest = 500)]
    public Property Flipping_any_bit_breaks_the_tag() =>
        Prop.ForAll(Gen.Choose(0, 10_000).ToArbitrary(), Gen.Choose(0, 7).ToArbitrary(), (at, bit) =>
        {
            using var keys = KeysA();
            var frame = SecureFrame.Seal(keys, FrameKind.UplinkData, 77, V1Packet.IotStatusReport(IotStatus.Idle).ToArray());
            int index = 2 + at % (frame.Length - 2); // bytes 0-1 are checked structurally first
            frame[index] ^= (byte)(1 << bit);
            var error = SecureFrame.Open(keys, frame, new byte[64], out _);
            return error is FrameError.BadTag or FrameError.ZeroSequence;
        });

    [Property(MaxTest = 3000)]
    public bool Random_bytes_never_throw(byte[] bytes)
    {
        using var keys = KeysA();
        if (bytes.Length > 0) bytes[0] = SecureFrame.Magic;
        var error = SecureFrame.Open(keys, bytes, new byte[Math.Max(bytes.Length, 1)], out _);
        return error != FrameError.None;
    }
}
