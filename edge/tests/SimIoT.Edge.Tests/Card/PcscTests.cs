using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;

namespace SimIoT.Edge.Tests.Card;

[CollectionDefinition("pcscd")]
public sealed class PcscdCollection : ICollectionFixture<PcscdFixture>;

/// <summary>The LibraryImport binding against the real pcscd + vpcd, with the test's virtual card in the slot.</summary>
[Collection("pcscd")]
public sealed class PcscTests(PcscdFixture pcscd) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly List<IDisposable> _cleanup = [];

    [Fact]
    public void Lists_the_vpcd_readers()
    {
        using var context = PcscContext.Establish();
        Assert.Contains(pcscd.ReaderName, context.ListReaders());
    }

    [Fact]
    public void Status_change_reports_insertion_with_the_ATR_and_then_removal()
    {
        using var context = PcscContext.Establish();
        var state = context.WaitForChange(pcscd.ReaderName, null, TimeSpan.Zero)!;
        state = WaitUntil(context, state, s => !s.CardPresent);

        var card = Track(pcscd.Insert(ScriptedCard.Answer));
        state = WaitUntil(context, state, s => s.CardPresent);
        Assert.Equal(VirtualCard.DualProtocolAtr, state.Atr);

        card.Remove();
        state = WaitUntil(context, state, s => !s.CardPresent);
        Assert.True((state.Status & ReaderStatus.Empty) != 0, state.Status.ToString());
    }

    [Theory]
    [InlineData(CardProtocol.T0)]
    [InlineData(CardProtocol.T1)]
    public void Connects_with_the_requested_protocol_and_transmits(CardProtocol protocol)
    {
        var card = Track(pcscd.Insert(ScriptedCard.Answer));
        using var transport = new PcscTransport(pcscd.ReaderName[^9..].ToLowerInvariant(), protocol);
        Assert.True(transport.WaitForCard(Wait));
        Assert.Equal(protocol, transport.ActiveProtocol);
        Assert.Equal(pcscd.ReaderName, transport.ReaderName);
        Assert.Equal([0x90, 0x00], transport.Transmit(Convert.FromHexString("80F2000000")));
        Assert.Contains(card.Commands, c => Convert.ToHexString(c) == "80F2000000");
    }

    [Fact]
    public void Channel_over_pcscd_handles_61xx_and_6Cxx()
    {
        var card = Track(pcscd.Insert(ScriptedCard.Answer));
        using var channel = new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait });
        Assert.Equal([.. ScriptedCard.SixteenBytes, 0x90, 0x00], channel.Transmit(Convert.FromHexString("00A4040005A000000001")));
        Assert.Equal([.. ScriptedCard.SixteenBytes[..12], 0x90, 0x00], channel.Transmit(Convert.FromHexString("8012000000")));
        Assert.Equal([.. ScriptedCard.FortyFiveBytes, 0x90, 0x00], channel.Transmit(Convert.FromHexString("80CA9F7F00")));
        Assert.Equal(
            ["00A4040005A000000001", "00C0000010", "8012000000", "00C0000008", "00C0000004", "80CA9F7F00", "80CA9F7F2D"],
            card.Commands.Select(Convert.ToHexString));
    }

    [Fact]
    public void Removal_is_reported_once_and_the_next_card_is_connected_with_a_new_session()
    {
        var first = Track(pcscd.Insert(ScriptedCard.Answer));
        using var channel = new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait });
        Assert.Equal([0x90, 0x00], channel.Transmit(Convert.FromHexString("80F2000000")));
        long session = channel.Session;

        first.Remove();
        pcscd.WaitForEmpty();
        Assert.Throws<CardRemovedException>(() => channel.Transmit(Convert.FromHexString("80F2000000")));

        var second = Track(pcscd.Insert(ScriptedCard.Answer));
        Assert.Equal([0x90, 0x00], channel.Transmit(Convert.FromHexString("80F2000000")));
        Assert.Equal(session + 1, channel.Session);
        Assert.Single(second.Commands);
    }

    [Fact]
    public void A_card_pulled_mid_exchange_is_a_CardRemovedException_and_the_next_card_works()
    {
        VirtualCard? first = null;
        first = Track(pcscd.Insert(apdu =>
        {
            // Pulled while the command is in flight: the connection closes before any answer.
            if (Convert.ToHexString(apdu) == "80AA000000") first!.Remove();
            return ScriptedCard.Answer(apdu);
        }));
        using var channel = new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait });
        Assert.Equal([0x90, 0x00], channel.Transmit(Convert.FromHexString("80F2000000")));
        Assert.Throws<CardRemovedException>(() => channel.Transmit(Convert.FromHexString("80AA000000")));

        Track(pcscd.Insert(ScriptedCard.Answer));
        Assert.Equal([0x90, 0x00], channel.Transmit(Convert.FromHexString("80F2000000")));
    }

    [Fact]
    public void A_reset_by_another_application_is_reported_and_the_handle_reconnected()
    {
        var card = Track(pcscd.Insert(ScriptedCard.Answer));
        using var transport = new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait };
        Assert.Equal([0x90, 0x00], transport.Transmit(Convert.FromHexString("80F2000000")));
        long session = transport.Session;

        using (var other = PcscContext.Establish())
        {
            other.Connect(pcscd.ReaderName).Disconnect(reset: true);
        }

        Assert.Throws<CardRemovedException>(() => transport.Transmit(Convert.FromHexString("80F2000000")));
        Assert.Equal(session + 1, transport.Session);
        Assert.Equal([0x90, 0x00], transport.Transmit(Convert.FromHexString("80F2000000")));
        Assert.Equal(2, card.Commands.Count(c => Convert.ToHexString(c) == "80F2000000"));
    }

    [Fact]
    public void No_card_within_the_wait_is_a_CardRemovedException()
    {
        using var context = PcscContext.Establish();
        WaitUntil(context, context.WaitForChange(pcscd.ReaderName, null, TimeSpan.Zero)!, s => !s.CardPresent);
        using var transport = new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = TimeSpan.FromMilliseconds(300) };
        Assert.Throws<CardRemovedException>(() => transport.Transmit([0x80, 0xF2, 0, 0, 0]));
    }

    public void Dispose()
    {
        foreach (var d in _cleanup) d.Dispose();
    }

    private VirtualCard Track(VirtualCard card)
    {
        _cleanup.Add(card);
        return card;
    }

    private static ReaderInfo WaitUntil(PcscContext context, ReaderInfo state, Func<ReaderInfo, bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition(state))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"reader state stayed {state.Status}");
            state = context.WaitForChange(state.Name, state, left) ?? state;
        }

        return state;
    }
}
