using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;
using SimIoT.Edge.Toolkit.Terminal;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// Two PC/SC clients of one card through the real pcscd + vpcd: the agent's exchanges are PC/SC
/// transactions, so the other client (the provision CLI, opensc-tool) gets the card between them,
/// never inside one. Each test gives the other client a window of up to 2 s inside the exchange,
/// ended early when its command reaches the card (which is what happens without transactions);
/// the order the card saw the commands in is then the verdict.
/// </summary>
[Collection("pcscd")]
public sealed class PcscTransactionTests(PcscdFixture pcscd) : IDisposable
{
    private const string OtherCommand = "80F2000002";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(2);
    private readonly ManualResetEventSlim _otherReachedTheCard = new();
    private readonly ConcurrentQueue<string> _seen = new();
    private VirtualCard? _card;

    [Fact]
    public async Task Another_client_waits_for_the_end_of_an_exchange()
    {
        _card = pcscd.Insert(apdu => Answer(apdu, []));
        using var agent = new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait });
        using var other = new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait });
        Assert.Equal([0x90, 0x00], other.Transmit(Convert.FromHexString("80F2000000")));

        Task<byte[]> otherDone;
        using (agent.BeginExchange())
        {
            Assert.Equal([0x90, 0x00], agent.Transmit(Convert.FromHexString("80F2000001")));
            otherDone = Task.Run(() => other.Transmit(Convert.FromHexString(OtherCommand)));
            _otherReachedTheCard.Wait(Window);
            Assert.Equal([0x90, 0x00], agent.Transmit(Convert.FromHexString("80F2000003")));
        }

        Assert.Equal([0x90, 0x00], await otherDone.WaitAsync(Wait));
        Assert.Equal(["80F2000000", "80F2000001", "80F2000003", OtherCommand], _seen);
    }

    [Fact]
    public async Task Another_client_cannot_come_between_FETCH_and_TERMINAL_RESPONSE()
    {
        // command → 910B; FETCH → REFRESH (NAA initialisation); TERMINAL RESPONSE → 9000
        byte[] refresh = Convert.FromHexString("D009810301010382028182");
        var otherTransport = new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait };
        using var other = new CardChannel(otherTransport);
        Task<byte[]>? otherDone = null;
        _card = pcscd.Insert(apdu =>
        {
            var answer = Answer(apdu, refresh);
            if (Convert.ToHexString(apdu) != "801200000B") return answer;
            otherDone = Task.Run(() => other.Transmit(Convert.FromHexString(OtherCommand)));
            return [.. refresh, 0x90, 0x00];
        });
        Assert.True(otherTransport.WaitForCard(Wait)); // connected before the exchange, as a running client is
        await using var terminal = new ToolkitTerminal(new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = Wait }),
            new WaitingModem(_otherReachedTheCard), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);

        var response = await terminal.ExchangeAsync(Convert.FromHexString("80AA000000"), CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(0x910B, response.StatusWord);
        Assert.NotNull(otherDone);
        Assert.Equal([0x90, 0x00], await otherDone.WaitAsync(Wait));
        Assert.Equal(["80AA000000", "801200000B", "8014", OtherCommand], _seen.Select(c => c.StartsWith("8014", StringComparison.Ordinal) ? "8014" : c));
    }

    public void Dispose()
    {
        _card?.Dispose();
        _otherReachedTheCard.Dispose();
    }

    private byte[] Answer(byte[] apdu, byte[] proactive)
    {
        string hex = Convert.ToHexString(apdu);
        _seen.Enqueue(hex);
        if (hex == OtherCommand) _otherReachedTheCard.Set();
        return hex == "80AA000000" ? [0x91, (byte)proactive.Length] : [0x90, 0x00];
    }

    /// <summary>A modem whose REFRESH lasts until the other client's command reached the card, or the window ends.</summary>
    private sealed class WaitingModem(ManualResetEventSlim otherReachedTheCard) : IModemControl
    {
        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) =>
            Task.Run(() => otherReachedTheCard.Wait(Window, cancellationToken), cancellationToken);
    }
}
