using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SimIoT.Edge.Toolkit.Responses;
using SimIoT.Edge.Toolkit.Terminal;

namespace SimIoT.Edge.Toolkit.Tests;

public sealed class ToolkitTerminalTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ScriptedCard _card = new();
    private readonly RecordingModem _modem = new();
    private readonly FakeTimeProvider _time = new();
    private readonly UdpClient _cloud = new(new IPEndPoint(IPAddress.Loopback, 0));
    private ToolkitTerminal _terminal = null!;

    public Task InitializeAsync()
    {
        _terminal = new ToolkitTerminal(_card, _modem, new ToolkitTerminalOptions(), _time, NullLogger<ToolkitTerminal>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _terminal.DisposeAsync();
        _cloud.Dispose();
    }

    private int CloudPort => ((IPEndPoint)_cloud.Client.LocalEndPoint!).Port;

    private string OpenChannelToCloud(int buffer = 1500) =>
        $"D01C 8103014001 82028182 350103 3902{buffer:X4} 3C0301{CloudPort:X4} 3E05217F000001";

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    [Fact]
    public async Task Carries_a_frame_to_the_cloud_and_the_reply_back_to_the_card()
    {
        _card.Queue(OpenChannelToCloud());
        _card.Queue("D00C 8103020500 82028182 990109");            // SET UP EVENT LIST: data available
        _card.Queue("D010 8103034301 82028121 B60548656C6C6F");     // SEND DATA "Hello", send now
        var response = await _terminal.SendTerminalProfileAsync(CancellationToken.None);
        Assert.True(response.IsSuccess);
        Assert.Equal(0x91, response.Sw1); // the original answer: success, a command was pending

        Assert.Equal("81030140018202828183010038028100350103390205DC", Hex(_card.TerminalResponses[0]));
        Assert.Equal("8103034301820282818301 00B701FF".Replace(" ", ""), Hex(_card.TerminalResponses[2]));
        var hello = await _cloud.ReceiveAsync().WaitAsync(Wait);
        Assert.Equal("Hello"u8.ToArray(), hello.Buffer);
        Assert.Equal(_terminal.Channel!.LocalEndPoint.Port, hello.RemoteEndPoint.Port);

        // The cloud answers to the endpoint it saw; the card reads the datagram after the event.
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _card.OnEnvelope = envelope =>
        {
            if (envelope[0] == 0xD6 && envelope[4] == 0x09)
                _card.Queue($"D00C 8103044200 82028121 B701{envelope[^1]:X2}");
            return null;
        };
        _card.TerminalResponseReceived += tr => { if (tr[3] == 0x42) received.TrySetResult(tr); };
        await _cloud.SendAsync("World"u8.ToArray(), hello.RemoteEndPoint);

        var tr = await received.Task.WaitAsync(Wait);
        Assert.Equal("D60E99010982028281B8028100B70105", Hex(_card.Envelopes[0]));
        Assert.Equal("81030442008202828183010 0B605576F726C64B70100".Replace(" ", ""), Hex(tr));
    }

    [Fact]
    public async Task A_cloud_that_went_away_does_not_fail_the_cards_sends()
    {
        _card.Queue(OpenChannelToCloud());
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        _cloud.Dispose(); // nothing listens any more: ICMP port unreachable comes back
        for (int i = 0; i < 5; i++)
        {
            _card.Queue($"D010 81030{i + 2}4301 82028121 B60548656C6C6F");
            await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
            await Task.Delay(20);
        }
        // Whether a send or the pending receive meets the ICMP error is a matter of timing; either
        // way every SEND DATA must succeed, because the frame is kept until acknowledged.
        Assert.Equal(5, _card.TerminalResponses.Skip(1).Count(tr => Convert.ToHexString(tr).Contains("830100", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Answers_an_unknown_command_with_beyond_terminal_capabilities()
    {
        _card.Queue("D009 8103012600 82028182"); // PROVIDE LOCAL INFORMATION
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.Equal("810301260082028281830130", Hex(_card.TerminalResponses.Single()));
    }

    [Fact]
    public async Task Still_answers_a_command_it_cannot_parse()
    {
        _card.Queue("D005 810301 4301"); // Command Details cut short
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.Equal("83", Hex(_card.TerminalResponses.Single())[^6..^4]);
        Assert.EndsWith("830132", Hex(_card.TerminalResponses.Single()));
    }

    [Fact]
    public async Task Grants_a_smaller_buffer_with_result_07()
    {
        _card.Queue(OpenChannelToCloud(buffer: 4000));
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        var tr = Hex(_card.TerminalResponses.Single());
        Assert.Contains("830107", tr);
        Assert.EndsWith("390205DC", tr);
        Assert.Equal(1500, _terminal.Channel!.BufferSize);
    }

    [Fact]
    public async Task Refuses_data_for_a_channel_that_is_not_open()
    {
        _card.Queue("D010 8103014301 82028121 B60548656C6C6F");
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.EndsWith("83023A03", Hex(_card.TerminalResponses.Single()));
    }

    [Fact]
    public async Task Runs_the_cards_timer_and_reports_its_expiry()
    {
        var expired = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _card.OnEnvelope = e => { if (e[0] == 0xD7) expired.TrySetResult(e); return null; };
        _card.Queue("D011 8103012700 82028182 A40101 A50300 0003".Replace(" ", "")); // start timer 1 for 30 s
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.Equal("810301270082028281830100A40101", Hex(_card.TerminalResponses.Single()));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(expired.Task.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("D70C820282 81A40101A503000003".Replace(" ", ""), Hex(await expired.Task.WaitAsync(Wait)));
    }

    [Fact]
    public async Task Stopping_a_timer_reports_the_time_left()
    {
        _card.Queue("D011 8103012700 82028182 A40102 A50300 0003".Replace(" ", ""));
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));
        _card.Queue("D00C 8103022701 82028182 A40102".Replace(" ", ""));
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.Equal("810302270182028281830100A40102A50300000 2".Replace(" ", ""), Hex(_card.TerminalResponses[1]));
    }

    [Fact]
    public async Task Refresh_calls_the_modem_hook()
    {
        _card.Queue("D009 8103010104 82028182");
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.Equal([0x04], _modem.Refreshes);
        Assert.EndsWith("830100", Hex(_card.TerminalResponses.Single()));
    }

    [Fact]
    public async Task A_card_that_never_stops_raising_commands_cannot_hang_the_terminal()
    {
        for (int i = 0; i < 200; i++) _card.Queue("D009 8103012600 82028182");
        await _terminal.ExchangeAsync(new byte[] { 0x80, 0xF2, 0, 0, 0 }, CancellationToken.None);
        Assert.Equal(new ToolkitTerminalOptions().MaxProactiveChain, _card.TerminalResponses.Count);
    }

    [Fact]
    public async Task Repeats_an_envelope_while_the_card_is_busy()
    {
        int calls = 0;
        _card.OnEnvelope = _ => ++calls < 3 ? (ushort)0x9300 : (ushort)0x9000;
        var task = _terminal.EnvelopeAsync(Envelopes.DataAvailable(1, 5), CancellationToken.None);
        while (!task.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }
        Assert.Equal(0x9000, (await task).StatusWord);
        Assert.Equal(3, calls);
    }

    private sealed class RecordingModem : IModemControl
    {
        public List<byte> Refreshes { get; } = [];

        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken)
        {
            Refreshes.Add(qualifier);
            return Task.CompletedTask;
        }
    }
}
