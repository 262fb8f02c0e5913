using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Protocol.Tests.V2;

public class PathChallengeTests
{
    private static readonly byte[] Nonce = Convert.FromHexString("00112233445566778899aabbccddeeff");

    [Fact]
    public void The_challenge_is_magic_kind_05_modem_id_and_nonce_at_the_documented_offsets()
    {
        var datagram = PathChallenge.Write(new ModemId(0x4d2), Nonce);
        Assert.Equal("a205" + "00000000000004d2" + "00112233445566778899aabbccddeeff", Convert.ToHexStringLower(datagram));
        Assert.True(PathChallenge.TryRead(datagram, out var modem, out var nonce));
        Assert.Equal(new ModemId(0x4d2), modem);
        Assert.Equal(Nonce, nonce);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a205")]
    [InlineData("a20500000000000004d200112233445566778899aabbccddee")] // one byte short
    [InlineData("a20500000000000004d200112233445566778899aabbccddeeff00")] // one byte long
    [InlineData("a30500000000000004d200112233445566778899aabbccddeeff")] // v3 magic
    [InlineData("a20100000000000004d200112233445566778899aabbccddeeff")] // a sealed kind
    public void Anything_else_is_not_a_challenge(string hex) =>
        Assert.False(PathChallenge.TryRead(Convert.FromHexString(hex), out _, out _));

    [Fact]
    public void A_sealed_frame_never_reads_as_a_challenge_nor_a_challenge_as_a_frame()
    {
        var challenge = PathChallenge.Write(new ModemId(1), Nonce);
        Assert.Equal(FrameError.UnknownKind, SecureFrame.TryReadHeader(challenge, out _));
        using var keys = new ModemKeys(Nonce, new ModemId(1));
        // A 26-byte sealed frame (4 bytes of payload) has a kind 01-04 at byte 1.
        var frame = SecureFrame.Seal(keys, FrameKind.UplinkData, 1, new byte[4]);
        Assert.Equal(PathChallenge.Length, frame.Length);
        Assert.False(PathChallenge.TryRead(frame, out _, out _));
    }

    [Fact]
    public void Nonces_are_fresh_random_bytes()
    {
        var a = PathChallenge.NewNonce();
        var b = PathChallenge.NewNonce();
        Assert.Equal(PathChallenge.NonceLength, a.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_batch_answers_only_with_the_response_reading_carrying_the_same_nonce()
    {
        var reading = V1Packet.IotData(3, DateTime.UtcNow, new byte[] { 0, 0, 0, 42 });
        var response = PathChallenge.Response(Nonce, DateTime.UtcNow);
        Assert.True(PathChallenge.IsResponse(response));
        Assert.False(PathChallenge.IsResponse(reading));
        Assert.True(PathChallenge.Answers(Batch(reading, response), 2, Nonce));
        Assert.False(PathChallenge.Answers(Batch(reading), 2, Nonce));
        var other = (byte[])Nonce.Clone();
        other[15] ^= 1;
        Assert.False(PathChallenge.Answers(Batch(reading, response), 2, other));
        // The same bytes under a sensor's device id are data, not an answer.
        Assert.False(PathChallenge.Answers(Batch(V1Packet.IotData(7, DateTime.UtcNow, Nonce)), 2, Nonce));
        Assert.False(PathChallenge.Answers(ReadOnlyMemory<byte>.Empty, 2, Nonce));
    }

    private static byte[] Batch(params V1Packet[] packets)
    {
        var buffer = new byte[SecureFrame.MaxPayloadLength];
        int n = UplinkBatchReader.Write(packets, buffer);
        return buffer[..n];
    }
}
