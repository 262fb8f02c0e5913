using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Pcsc;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Sim.Tests;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// The deployment path of a Raspberry Pi with a reader: libpcsclite → pcscd → the vsmartcard
/// vpcd reader driver → the real applet in its card host. Provisioning, the toolkit session and
/// a sealed reading, all through PC/SC.
/// </summary>
[Collection("pcscd")]
public sealed class AppletThroughPcscdTests(PcscdFixture pcscd) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("simiot-pcsc-card-").FullName;
    private readonly UdpClient _cloud = new(new IPEndPoint(IPAddress.Loopback, 0));

    public void Dispose()
    {
        _cloud.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_agent_personalises_and_runs_the_applet_through_pcscd()
    {
        pcscd.WaitForEmpty();
        using var java = AppletCardHost.StartJava(Path.Combine(_dir, "card.bin"), pcscd.Port);
        try
        {
            using var channel = new CardChannel(new PcscTransport(pcscd.ReaderName) { CardWaitTimeout = TimeSpan.FromSeconds(20) });
            await using var terminal = new ToolkitTerminal(channel, new NoModem(), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
            var sim = new SimCard(terminal);
            var master = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
            var modem = new ModemId(0xabc);
            await CardProvisioner.ProvisionAsync(sim, CardProvisioner.TransportKey,
                new Provisioning(modem, master, (IPEndPoint)_cloud.Client.LocalEndPoint!, [Carrier.Att, Carrier.Verizon], Carrier.Verizon), null, CancellationToken.None);

            await sim.StartSessionAsync(CancellationToken.None);
            var reading = V1Packet.IotData(DeviceCatalog.Temperature, new DateTime(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc), TelemetryValues.Encode(2250));
            Assert.Equal(1, await sim.SubmitAsync([reading], CancellationToken.None));

            var datagram = await _cloud.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(15));
            using var keys = new ModemKeys(master, modem);
            var payload = new byte[datagram.Buffer.Length];
            Assert.Equal(FrameError.None, SecureFrame.Open(keys, datagram.Buffer, payload, out var header));
            Assert.True(new UplinkBatchReader(payload.AsMemory(0, header.PayloadLength).ToArray()).TryRead(out var received, out _));
            Assert.Equal(reading, received);
            Assert.Equal((int)Carrier.Verizon, (await sim.GetStatusAsync(CancellationToken.None)).CarrierId);
        }
        finally
        {
            java.Kill(entireProcessTree: true);
        }
    }

    private sealed class NoModem : IModemControl
    {
        public Task RefreshAsync(byte qualifier, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
