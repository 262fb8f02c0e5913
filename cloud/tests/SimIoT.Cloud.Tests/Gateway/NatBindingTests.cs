using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

public class NatBindingTests
{
    [Fact]
    public async Task Forged_and_replayed_frames_from_elsewhere_never_move_the_downlink()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x5150);
        var genuine = modem.Seal(FrameKind.UplinkData, []);
        modem.SendRaw(genuine);
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "the genuine frame is acked");

        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        attacker.ReceiveTimeout = 1000;
        var forged = (byte[])genuine.Clone();
        forged[10..14].AsSpan().Clear();
        forged[13] = 200; // a higher sequence with the old tag
        var gateway = new IPEndPoint(IPAddress.Loopback, cloud.Udp.Port);
        attacker.SendTo(forged, gateway);
        attacker.SendTo(genuine, gateway); // a replay of a captured frame
        await Eventually.TrueAsync(() => cloud.Metrics.DatagramCount(DatagramOutcome.BadTag) == 1 && cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) == 1, "both dropped");

        var response = await cloud.Http.PostAsJsonAsync($"/api/modems/{modem.Id}/carrier-switch", new { carrier = "Verizon" });
        response.EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => { lock (modem.Commands) return modem.Commands.Count == 1; }, "the command reaches the genuine modem");
        // The replay's source hears the uplink ack (a restarted modem needs it), nothing else: no
        // command, and nothing for the forgery.
        var buffer = new byte[2048];
        int n = attacker.Receive(buffer);
        Assert.Equal(FrameError.None, SecureFrame.TryReadHeader(buffer.AsSpan(0, n), out var header));
        Assert.Equal(FrameKind.UplinkAck, header.Kind);
        Assert.Throws<SocketException>(() => attacker.Receive(buffer));
    }

    [Fact]
    public async Task A_modem_behind_a_new_nat_binding_gets_its_downlink_at_the_new_address()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var first = await cloud.AddModemAsync(0x5151);
        first.SendData();
        await Eventually.TrueAsync(() => first.AcksReceived > 0, "acked at the first address");
        // Same SIM, new source port (the carrier NAT rebound it): its sequence continues.
        using var moved = new SimIoT.LoadGen.SimulatedModem(first.Id, first.MasterKey, cloud.Udp) { LastSequence = first.LastSequence };
        moved.SendData();
        await Eventually.TrueAsync(() => moved.AcksReceived > 0, "acked at the new address");
    }

    [Fact]
    public async Task A_dual_stack_gateway_serves_ipv4_and_ipv6_modems()
    {
        await using var cloud = await CloudHarness.StartAsync(new() { ["Gateway:UdpAddress"] = "::", ["Gateway:LegacyV1"] = "true" });
        var modem = await cloud.AddModemAsync(0x5152);
        modem.SendData();
        await Eventually.TrueAsync(() => modem.AcksReceived > 0, "an IPv4 modem is acked through the dual-mode socket");
        var shown = await Eventually.ValueAsync(() => cloud.GetJsonAsync($"/api/modems/{modem.Id}"), j => j.GetProperty("endpoint").GetString() is not null, "endpoint flushed");
        Assert.StartsWith("127.0.0.1:", shown.GetProperty("endpoint").GetString());

        using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        v6.SendTo(Protocol.V1.V1Packet.IotData(3, DateTime.UtcNow, Protocol.Telemetry.TelemetryValues.Encode(1)).ToArray(), new IPEndPoint(IPAddress.IPv6Loopback, cloud.Udp.Port));
        await Eventually.ValueAsync(() => cloud.GetJsonAsync("/api/modems"), j => j.GetArrayLength() == 2, "the IPv6 legacy modem registered itself");
    }
}
