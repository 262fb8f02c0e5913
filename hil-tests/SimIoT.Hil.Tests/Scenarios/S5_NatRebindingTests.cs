using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Hil.Tests.Rig;
using SimIoT.Protocol.V2;

namespace SimIoT.Hil.Tests.Scenarios;

/// <summary>
/// Scenario 5: the modem's public source port changes (the carrier NAT rebinds it; the card
/// re-opens its channel after a switch); the downlink follows the new binding. A replayed or
/// forged datagram from another socket moves no binding and switches no carrier.
/// </summary>
public class S5_NatRebindingTests
{
    [VirtualCardFact]
    public async Task Scenario5_downlink_follows_nat_rebinding_and_spoofed_datagrams_move_no_binding()
    {
        var figures = new Figures("S5 NAT rebinding and spoofing");
        await using var rig = await HilRig.StartAsync(new RigOptions { Nat = true, ImuHz = 5, EnvironmentHz = 2 });
        var nat = rig.Nat!;
        await rig.WaitForSamplesAsync("bme280", 1);
        var first = await EndpointAsync(rig, _ => true);

        // 1. The carrier NAT rebinds: the gateway sees the modem at a new port; the next command goes there and is acked.
        var watch = Stopwatch.StartNew();
        nat.Rebind();
        var rebound = await EndpointAsync(rig, e => !e.Equals(first));
        figures.Add("rebinding to binding moved (next uplink)", watch.Elapsed.TotalMilliseconds, "ms");
        Assert.Contains(rebound.Port, nat.OutsidePorts); // the NAT's new public port, not the old one
        Assert.NotEqual(first.Port, rebound.Port);
        // It moved because the agent had the SIM seal the gateway's path challenge back (issue 10).
        await Eventually.TrueAsync(() => rig.Cloud.Metrics.PathCount(PathCheck.Moved) >= 1, "the binding moved on an answered path challenge", HilRig.Wait);
        Assert.Contains(nat.Downlink, d => d.OutsidePort == rebound.Port && PathChallenge.TryRead(d.Datagram, out _, out _));
        int downBefore = nat.Downlink.Count;
        uint toVerizon = await SwitchAsync(rig, "Verizon");
        await S7_LegacyV1Tests.WaitStateAsync(rig, toVerizon, "acked");
        Assert.Contains(nat.Downlink.Skip(downBefore), d => d.OutsidePort == rebound.Port && IsCommand(d.Datagram));

        // 2. After the switch the card re-opened its channel from a new source port (a new NAT mapping); the downlink follows.
        var afterSwitch = await EndpointAsync(rig, e => !e.Equals(rebound));
        Assert.True(nat.Uplink.Select(u => u.Modem).Distinct().Count() >= 2, "the card's channel came from a new source port after the switch");
        downBefore = nat.Downlink.Count;
        uint toAtt = await SwitchAsync(rig, "AT&T");
        await S7_LegacyV1Tests.WaitStateAsync(rig, toAtt, "acked");
        Assert.Contains(nat.Downlink.Skip(downBefore), d => d.OutsidePort == afterSwitch.Port && IsCommand(d.Datagram));

        // 3. An attacker replays a captured genuine frame and sends a forged one from its own socket.
        //    First let the binding settle on the card's current channel (the last switch re-opened it too).
        var current = await EndpointAsync(rig, e => e.Port == nat.OutsidePortFor(nat.Uplink.Last(u => !u.Dropped).Modem));
        var genuine = nat.Uplink.Last(u => !u.Dropped).Datagram;
        var forged = (byte[])genuine.Clone();
        forged[13] ^= 0x40; // a higher sequence under the old tag
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        attacker.ReceiveTimeout = 500;
        long replayed = rig.Cloud.Metrics.DatagramCount(DatagramOutcome.Replayed), badTag = rig.Cloud.Metrics.DatagramCount(DatagramOutcome.BadTag);
        var gateway = new IPEndPoint(IPAddress.Loopback, rig.CloudUdpPort);
        attacker.SendTo(genuine, gateway);
        attacker.SendTo(forged, gateway);
        await Eventually.TrueAsync(() => rig.Cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) > replayed && rig.Cloud.Metrics.DatagramCount(DatagramOutcome.BadTag) > badTag,
            "the gateway drops the replay and the forgery", HilRig.Wait);
        Assert.Equal(current, Binding(rig)); // the gateway processed both and its binding did not move
        // The next command still reaches the card (acked on the card's binding). The attacker hears
        // at most the uplink acknowledgement its replay asked for (a restarted modem needs it; it
        // tells nothing the binding did not get too), never a command.
        downBefore = nat.Downlink.Count;
        uint again = await SwitchAsync(rig, "Verizon");
        await S7_LegacyV1Tests.WaitStateAsync(rig, again, "acked");
        Assert.Contains(nat.Downlink.Skip(downBefore), d => IsCommand(d.Datagram));
        var heard = new List<FrameKind>();
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                int n = attacker.Receive(buffer);
                heard.Add(SecureFrame.TryReadHeader(buffer.AsSpan(0, n), out var h) == FrameError.None ? h.Kind : (FrameKind)0xFF);
            }
        }
        catch (SocketException) { } // nothing more within the receive timeout
        Assert.All(heard, kind => Assert.Equal(FrameKind.UplinkAck, kind));
        Assert.True(heard.Count <= 1, $"the attacker heard {heard.Count} datagrams for one replay");

        figures.Add("outside ports used", nat.OutsidePorts.Count);
        figures.Add("spoofed datagrams dropped", rig.Cloud.Metrics.DatagramCount(DatagramOutcome.Replayed) - replayed + rig.Cloud.Metrics.DatagramCount(DatagramOutcome.BadTag) - badTag);
        figures.Save();
    }

    private static bool IsCommand(byte[] datagram) =>
        SecureFrame.TryReadHeader(datagram, out var h) == FrameError.None && h.Kind == FrameKind.DownlinkCommand;

    /// <summary>The gateway's binding for the modem, as its in-memory session holds it (the API shows it after the next flush).</summary>
    private static IPEndPoint? Binding(HilRig rig) =>
        rig.Cloud.App.Services.GetRequiredService<ModemRegistry>().TryGet(rig.Modem, out var s) && s.EndpointText is { } e ? IPEndPoint.Parse(e) : null;

    private static async Task<IPEndPoint> EndpointAsync(HilRig rig, Func<IPEndPoint, bool> match)
    {
        await Eventually.TrueAsync(() => Binding(rig) is { } e && match(e), "the gateway's binding for the modem", HilRig.Wait);
        return Binding(rig)!;
    }

    private static async Task<uint> SwitchAsync(HilRig rig, string carrier)
    {
        var response = await rig.Cloud.Http.PostAsJsonAsync($"/api/modems/{rig.Modem}/carrier-switch", new { carrier });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetUInt32();
    }
}
