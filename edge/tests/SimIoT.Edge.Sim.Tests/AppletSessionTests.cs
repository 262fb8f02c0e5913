using System.Net;
using System.Net.Sockets;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Sim.Tests;

/// <summary>
/// The edge's terminal and SIM client against the real applet: personalisation, sealed
/// telemetry to a UDP "cloud", a carrier switch and an acknowledgement coming back through
/// the card, and a forgery that changes nothing.
/// </summary>
public sealed class AppletSessionTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly byte[] MasterKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly ModemId Modem = new(0x4d2);

    private readonly string _dir = Directory.CreateTempSubdirectory("simiot-card-").FullName;
    private readonly UdpClient _cloud = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly ModemKeys _keys = new(MasterKey, Modem);
    private readonly AppletCardHost _host;
    private readonly ToolkitTerminal _terminal;
    private readonly SimCard _sim;
    private readonly RecordingModem _modem = new();
    private readonly ListLogger<ToolkitTerminal> _log = new();

    public AppletSessionTests()
    {
        _host = new AppletCardHost(Path.Combine(_dir, "card.bin"));
        _terminal = new ToolkitTerminal(_host.Channel, _modem, new ToolkitTerminalOptions(), TimeProvider.System, _log);
        _sim = new SimCard(_terminal);
    }

    public void Dispose()
    {
        _terminal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _host.Dispose();
        _cloud.Dispose();
        _keys.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private IPEndPoint CloudEndpoint => (IPEndPoint)_cloud.Client.LocalEndPoint!;

    private Task ProvisionAsync() => CardProvisioner.ProvisionAsync(_sim, CardProvisioner.TransportKey,
        new Provisioning(Modem, MasterKey, CloudEndpoint, [Carrier.Att, Carrier.TMobile, Carrier.Verizon], Carrier.Att), null, CancellationToken.None);

    private async Task<(SecureFrameHeader Header, byte[] Payload, IPEndPoint From)> ReceiveFrameAsync()
    {
        var datagram = await _cloud.ReceiveAsync().WaitAsync(Wait);
        var payload = new byte[datagram.Buffer.Length];
        Assert.Equal(FrameError.None, SecureFrame.Open(_keys, datagram.Buffer, payload, out var header));
        return (header, payload[..header.PayloadLength], datagram.RemoteEndPoint);
    }

    [Fact]
    public async Task Personalised_card_seals_readings_and_switches_carrier_on_an_authentic_command()
    {
        await ProvisionAsync();
        var status = await _sim.GetStatusAsync(CancellationToken.None);
        Assert.True(status.IsLocked && status.IsPersonalised);
        Assert.Equal(Modem, status.ModemId);

        await _sim.StartSessionAsync(CancellationToken.None);
        Assert.NotNull(_terminal.Channel);

        var stamp = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560);
        var readings = new[]
        {
            V1Packet.IotData(DeviceCatalog.Imu, stamp, TelemetryValues.Encode(-12, 980, 31)),
            V1Packet.IotData(DeviceCatalog.Gyro, stamp, TelemetryValues.Encode(1500, -250, 0)),
            V1Packet.IotData(DeviceCatalog.Temperature, stamp, TelemetryValues.Encode(2342)),
        };
        Assert.Equal(3, await _sim.SubmitAsync(readings, CancellationToken.None));

        var (header, payload, modemEndpoint) = await ReceiveFrameAsync();
        Assert.Equal(FrameKind.UplinkData, header.Kind);
        Assert.Equal(Modem, header.ModemId);
        var reader = new UplinkBatchReader(payload);
        var received = new List<V1Packet>();
        while (reader.TryRead(out var p, out _)) received.Add(p);
        Assert.Equal(readings, received);

        // The cloud commands a switch to Verizon; the card answers through the same channel.
        var downlinkWindow = new ReplayWindow();
        var command = SecureFrame.Seal(_keys, FrameKind.DownlinkCommand, 1, new CommandMessage(7, V1Packet.Perform(Carrier.Verizon)).ToArray());
        await _cloud.SendAsync(command, modemEndpoint);
        // After the switch the card re-opens its channel (a re-attach): answer where the result came from.
        var (resultHeader, resultPayload, afterSwitch) = await ReceiveFrameAsync();
        Assert.Equal(FrameKind.CommandResult, resultHeader.Kind);
        Assert.True(resultHeader.Sequence > header.Sequence);
        Assert.True(CommandMessage.TryRead(resultPayload, out var result));
        Assert.Equal(new CommandMessage(7, V1Packet.Ack(AckStatus.Ack, Carrier.Verizon)), result);
        Assert.Contains((byte)0x03, _modem.Refreshes);
        Assert.Equal((int)Carrier.Verizon, (await _sim.GetStatusAsync(CancellationToken.None)).CarrierId);

        // An uplink acknowledgement is verified by the card and handed back once.
        var acked = new TaskCompletionSource<UplinkAck?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _terminal.DownlinkDelivered += async () => acked.TrySetResult(await _sim.TakeUplinkAckAsync(CancellationToken.None));
        var ack = new UplinkAck(resultHeader.Sequence, 1UL << (int)(resultHeader.Sequence - header.Sequence - 1));
        await _cloud.SendAsync(SecureFrame.Seal(_keys, FrameKind.UplinkAck, 2, ack.ToArray()), afterSwitch);
        Assert.Equal(ack, await acked.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_forged_or_replayed_command_changes_nothing_and_is_counted()
    {
        await ProvisionAsync();
        await _sim.StartSessionAsync(CancellationToken.None);
        await _sim.SendKeepaliveAsync(CancellationToken.None);
        var (_, _, modemEndpoint) = await ReceiveFrameAsync();

        var delivered = new SemaphoreSlim(0);
        _terminal.DownlinkDelivered += () => { delivered.Release(); return Task.CompletedTask; };

        var forged = SecureFrame.Seal(_keys, FrameKind.DownlinkCommand, 1, new CommandMessage(9, V1Packet.Perform(Carrier.TMobile)).ToArray());
        forged[^1] ^= 0x01;
        await _cloud.SendAsync(forged, modemEndpoint);
        Assert.True(await delivered.WaitAsync(Wait), _log.ToString());

        var genuine = SecureFrame.Seal(_keys, FrameKind.DownlinkCommand, 2, new CommandMessage(10, V1Packet.Perform(Carrier.Verizon)).ToArray());
        await _cloud.SendAsync(genuine, modemEndpoint);
        Assert.True(await delivered.WaitAsync(Wait));
        var (_, _, afterSwitch) = await ReceiveFrameAsync(); // the ACK of command 10, from the re-opened channel
        await _cloud.SendAsync(genuine, afterSwitch); // the same frame again
        Assert.True(await delivered.WaitAsync(Wait));

        var status = await _sim.GetStatusAsync(CancellationToken.None);
        Assert.Equal((int)Carrier.Verizon, status.CarrierId);
        Assert.Equal(1, status.BadMacCount);
        Assert.Equal(1, status.ReplayedCount);
        Assert.Equal(1u, (uint)_modem.Refreshes.Count);
    }

    [Fact]
    public async Task Compact_readings_submitted_in_two_apdus_leave_in_one_v3_frame()
    {
        await ProvisionAsync();
        await _sim.StartSessionAsync(CancellationToken.None);
        var t0 = new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc);
        var readings = Enumerable.Range(0, 30).Select(i => V1Packet.IotData(DeviceCatalog.Imu, t0.AddMilliseconds(4 * i), TelemetryValues.Encode(i, 1000 - i, -3 * i))).ToArray();
        var block = new byte[SimCard.MaxSubmitLength];
        int first = SimIoT.Protocol.V3.CompactReadings.WriteBlock(readings.AsSpan(0, 20), block, out int taken);
        Assert.Equal(20, taken);
        Assert.True(await _sim.SubmitCompactAsync(block.AsMemory(0, first).ToArray(), 0, CancellationToken.None));
        int second = SimIoT.Protocol.V3.CompactReadings.WriteBlock(readings.AsSpan(20), block, out taken);
        Assert.True(await _sim.SubmitCompactAsync(block.AsMemory(0, second).ToArray(), SimAppletCommands.SealFrame, CancellationToken.None));

        var (header, payload, _) = await ReceiveFrameAsync();
        Assert.Equal(3, header.Version);
        var reader = new UplinkBatchReader(payload, header.Version);
        var received = new List<V1Packet>();
        while (reader.TryRead(out var p, out _)) received.Add(p);
        Assert.Equal(readings, received);
    }

    [Fact]
    public async Task A_card_without_the_administrator_key_refuses_personalisation()
    {
        var error = await Assert.ThrowsAsync<SimCardException>(() => CardProvisioner.ProvisionAsync(_sim, new byte[16],
            new Provisioning(Modem, MasterKey, CloudEndpoint, [Carrier.Att], Carrier.Att), null, CancellationToken.None));
        Assert.Equal(0x63C4, error.StatusWord);
        await Assert.ThrowsAsync<SimCardException>(() => _sim.PutDataAsync(PersonalisationObject.MasterKey, MasterKey, CancellationToken.None));
    }

    private sealed class RecordingModem : IModemControl
    {
        public List<byte> Refreshes { get; } = [];

        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken)
        {
            lock (Refreshes) Refreshes.Add(qualifier);
            return Task.CompletedTask;
        }
    }
}
