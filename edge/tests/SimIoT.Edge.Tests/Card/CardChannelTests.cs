using SimIoT.Edge.Card;

namespace SimIoT.Edge.Tests.Card;

/// <summary>The 61xx/6Cxx rules, against an in-memory transport that records what it was sent.</summary>
public class CardChannelTests
{
    [Theory]
    [InlineData(0x00, 0x00)]
    [InlineData(0x80, 0x00)]
    [InlineData(0x81, 0x01)]
    [InlineData(0x83, 0x03)]
    [InlineData(0x0C, 0x00)] // secure messaging bits dropped
    [InlineData(0x45, 0x45)] // further interindustry, channel 5
    [InlineData(0xA0, 0xA0)] // GSM class
    public void Get_response_class_follows_the_documented_rule(byte command, byte expected) =>
        Assert.Equal(expected, CardChannel.GetResponseClass(command));

    [Theory]
    [InlineData("80CA9F7F", "80CA9F7F2D")]
    [InlineData("80CA9F7F00", "80CA9F7F2D")]
    [InlineData("8010000002AABB", "8010000002AABB2D")]
    [InlineData("8010000002AABB00", "8010000002AABB2D")]
    public void WithLe_replaces_or_appends_Le_per_APDU_case(string command, string expected) =>
        Assert.Equal(expected, Convert.ToHexString(CardChannel.WithLe(Convert.FromHexString(command), 0x2D)));

    [Fact]
    public void WithLe_rejects_a_malformed_APDU() =>
        Assert.Throws<ArgumentException>(() => CardChannel.WithLe(Convert.FromHexString("8010000005AABB"), 1));

    [Fact]
    public void Chained_61xx_is_collected_with_class_00_get_response()
    {
        var transport = new RecordingTransport(ScriptedCard.Answer);
        var channel = new CardChannel(transport);
        var response = channel.Transmit(Convert.FromHexString("8012000000"));
        Assert.Equal([.. ScriptedCard.SixteenBytes[..12], 0x90, 0x00], response);
        Assert.Equal(["8012000000", "00C0000008", "00C0000004"], transport.Sent);
        Assert.Equal(2, channel.GetResponseCount);
    }

    [Fact]
    public void Wrong_length_6Cxx_is_resent_once_with_the_card_s_Le()
    {
        var transport = new RecordingTransport(ScriptedCard.Answer);
        var channel = new CardChannel(transport);
        var response = channel.Transmit(Convert.FromHexString("80CA9F7F00"));
        Assert.Equal(47, response.Length);
        Assert.Equal(["80CA9F7F00", "80CA9F7F2D"], transport.Sent);
        Assert.Equal(1, channel.WrongLengthRetries);
    }

    [Fact]
    public void Plain_status_words_pass_through()
    {
        var transport = new RecordingTransport(ScriptedCard.Answer);
        Assert.Equal([0x6D, 0x00], new CardChannel(transport).Transmit([0x80, 0x99, 0, 0]));
        Assert.Single(transport.Sent);
    }

    [Fact]
    public void A_card_that_never_stops_saying_61xx_is_cut_off()
    {
        var transport = new RecordingTransport(_ => [0xAA, 0x61, 0x01]);
        var response = new CardChannel(transport).Transmit([0x80, 0x12, 0, 0, 0]);
        Assert.Equal(65, transport.Sent.Count);
        Assert.Equal(0x61, response[^2]);
    }

    private sealed class RecordingTransport(Func<byte[], byte[]> card) : IApduTransport
    {
        public List<string> Sent { get; } = [];

        public ReadOnlyMemory<byte> Atr => VirtualCard.DualProtocolAtr;

        public long Session => 1;

        public byte[] Transmit(ReadOnlySpan<byte> apdu)
        {
            Sent.Add(Convert.ToHexString(apdu));
            return card(apdu.ToArray());
        }

        public void Dispose()
        {
        }
    }
}
