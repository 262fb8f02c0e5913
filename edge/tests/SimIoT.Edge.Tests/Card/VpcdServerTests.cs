using System.Net;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Vpcd;

namespace SimIoT.Edge.Tests.Card;

/// <summary>The agent as the vpcd side, with the same test virtual card connecting to it directly.</summary>
public sealed class VpcdServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Powers_the_card_on_reads_its_ATR_and_runs_61xx_and_6Cxx()
    {
        using var server = new VpcdServer(IPAddress.Loopback, 0) { CardWaitTimeout = Wait };
        using var card = VirtualCard.Insert(server.Port, ScriptedCard.Answer);
        using var channel = new CardChannel(server);
        Assert.Equal([.. ScriptedCard.SixteenBytes, 0x90, 0x00], channel.Transmit(Convert.FromHexString("00A4040005A000000001")));
        Assert.Equal([.. ScriptedCard.FortyFiveBytes, 0x90, 0x00], channel.Transmit(Convert.FromHexString("80CA9F7F00")));
        Assert.Equal(VirtualCard.DualProtocolAtr, channel.Atr.ToArray());
        Assert.Equal(1, card.PowerOns);
        Assert.Equal(["00A4040005A000000001", "00C0000010", "80CA9F7F00", "80CA9F7F2D"], card.Commands.Select(Convert.ToHexString));
    }

    [Fact]
    public void Removal_then_a_new_card_gives_a_new_session()
    {
        using var server = new VpcdServer(IPAddress.Loopback, 0) { CardWaitTimeout = Wait };
        var first = VirtualCard.Insert(server.Port, ScriptedCard.Answer);
        Assert.Equal([0x90, 0x00], server.Transmit(Convert.FromHexString("80F2000000")));
        first.Dispose();
        Assert.Throws<CardRemovedException>(() => server.Transmit(Convert.FromHexString("80F2000000")));
        Assert.False(server.CardPresent);

        using var second = VirtualCard.Insert(server.Port, ScriptedCard.Answer);
        Assert.Equal([0x90, 0x00], server.Transmit(Convert.FromHexString("80F2000000")));
        Assert.Equal(2, server.Session);
    }

    [Fact]
    public void A_card_answering_an_empty_frame_counts_as_removed()
    {
        using var server = new VpcdServer(IPAddress.Loopback, 0) { CardWaitTimeout = Wait };
        using var card = VirtualCard.Insert(server.Port, _ => []);
        Assert.Throws<CardRemovedException>(() => server.Transmit(Convert.FromHexString("80F2000000")));
    }

    [Fact]
    public void No_card_connecting_in_time_is_a_CardRemovedException()
    {
        using var server = new VpcdServer(IPAddress.Loopback, 0) { CardWaitTimeout = TimeSpan.FromMilliseconds(200) };
        Assert.Throws<CardRemovedException>(() => server.Transmit(Convert.FromHexString("80F2000000")));
    }
}
