using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Card;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Edge.Sim.Tests;

public sealed class SimCardTests : IAsyncDisposable
{
    private readonly RecordingCard _card = new();
    private readonly ToolkitTerminal _terminal;
    private readonly SimCard _sim;

    public SimCardTests()
    {
        _terminal = new ToolkitTerminal(_card, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
        _sim = new SimCard(_terminal);
    }

    public ValueTask DisposeAsync() => _terminal.DisposeAsync();

    private static V1Packet Reading(uint device, params int[] values) =>
        V1Packet.IotData(device, new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc), TelemetryValues.Encode(values));

    [Fact]
    public async Task Packs_readings_into_as_few_apdus_as_fit_without_the_flow_byte()
    {
        // 25-byte readings (13 + 12): ten fit in 255 bytes, so 23 readings take three APDUs.
        var readings = Enumerable.Range(0, 23).Select(i => Reading(1, i, -i, 1000)).ToList();
        Assert.Equal(23, await _sim.SubmitAsync(readings, CancellationToken.None));

        var submits = _card.Commands.Where(c => c[1] == 0xD0).ToList();
        Assert.Equal([250, 250, 75], submits.Select(c => (int)c[4]));
        Assert.Equal(Convert.ToHexString(readings[0].ToArray()[1..]), Convert.ToHexString(submits[0], 5, 25));
    }

    [Fact]
    public async Task Stops_at_a_full_card_and_says_how_many_it_took()
    {
        _card.Respond(0xD0, 0x9000, 0x6A84);
        // 17-byte readings: 15 per APDU; the card takes the first APDU and is full at the second.
        var readings = Enumerable.Range(0, 20).Select(i => Reading(3, i)).ToList();
        Assert.Equal(15, await _sim.SubmitAsync(readings, CancellationToken.None));
        Assert.Equal(2, _card.Commands.Count(c => c[1] == 0xD0));
    }

    [Fact]
    public async Task A_refusal_names_the_status_word_and_its_meaning()
    {
        _card.Respond(0xCA, 0x6D00);
        var error = await Assert.ThrowsAsync<SimCardException>(() => _sim.GetStatusAsync(CancellationToken.None));
        Assert.Equal(0x6D00, error.StatusWord);
        Assert.Contains("is the SimIoT applet selected", error.Message);
    }

    [Fact]
    public async Task No_new_acknowledgement_is_null_not_an_error()
    {
        _card.Respond(0xA2, 0x6A88);
        Assert.Null(await _sim.TakeUplinkAckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_carrier_report_the_card_cannot_make_is_skipped_but_other_refusals_are_errors()
    {
        _card.Respond(0xD2, 0x9000, 0x6A84, 0x6D00, 0x6985);
        Assert.True(await _sim.ReportCarrierAsync(CancellationToken.None));
        Assert.False(await _sim.ReportCarrierAsync(CancellationToken.None)); // queue full
        Assert.False(await _sim.ReportCarrierAsync(CancellationToken.None)); // an applet from before REPORT CARRIER
        var error = await Assert.ThrowsAsync<SimCardException>(() => _sim.ReportCarrierAsync(CancellationToken.None)); // no session
        Assert.Equal(0x6985, error.StatusWord);
    }

    private sealed class NoModem : IModemControl
    {
        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Answers 9000 unless told otherwise per instruction; records every APDU.</summary>
    private sealed class RecordingCard : ICardChannel
    {
        private readonly Dictionary<byte, Queue<ushort>> _answers = [];

        public List<byte[]> Commands { get; } = [];

        public void Respond(byte ins, params ushort[] statusWords) => _answers[ins] = new Queue<ushort>(statusWords);

        public ReadOnlyMemory<byte> Atr => new byte[] { 0x3B, 0x00 };

        public long Session => 1;

        public void Dispose()
        {
        }

        public byte[] Transmit(ReadOnlySpan<byte> command)
        {
            var apdu = command.ToArray();
            Commands.Add(apdu);
            ushort sw = _answers.TryGetValue(apdu[1], out var q) && q.Count > 0 ? q.Dequeue() : (ushort)0x9000;
            return [(byte)(sw >> 8), (byte)sw];
        }
    }
}
