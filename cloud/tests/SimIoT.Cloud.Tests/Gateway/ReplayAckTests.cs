using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Gateway;

/// <summary>
/// A modem that restarted behind a new port resends frames the cloud already stored. They are
/// replays: stored once, binding unchanged. But their ack must reach the modem where it now is,
/// or it keeps them (and everything behind them) forever.
/// </summary>
public sealed class ReplayAckTests
{
    [Fact]
    public async Task A_replay_is_acknowledged_where_it_came_from_and_at_the_binding_which_stays()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var modem = await cloud.AddModemAsync(0x7e57, "restarting");
        var frame = modem.Seal(FrameKind.UplinkData, V1Packet.IotData(3, DateTime.UtcNow, new byte[] { 0, 0, 8, 52 }).ToArray());
        modem.SendRaw(frame);
        await Eventually.TrueAsync(() => modem.AcksReceived == 1, "the frame is acked at the modem's first socket");

        using var restarted = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await restarted.SendAsync(frame, cloud.Udp); // the same frame from the restarted modem's new socket
        var answer = await restarted.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using var keys = new ModemKeys(modem.MasterKey, modem.Id);
        var payload = new byte[answer.Buffer.Length];
        Assert.Equal(FrameError.None, SecureFrame.Open(keys, answer.Buffer, payload, out var header));
        Assert.Equal(FrameKind.UplinkAck, header.Kind);
        Assert.True(UplinkAck.TryRead(payload.AsSpan(0, header.PayloadLength), out var ack) && ack.Acknowledges(modem.LastSequence));

        // The binding hears the same ack (a stranger replaying cannot divert it) and has not moved.
        await Eventually.TrueAsync(() => modem.AcksReceived == 2, "the binding gets the ack too");
        Assert.True(cloud.App.Services.GetRequiredService<ModemRegistry>().TryGet(modem.Id, out var session));
        Assert.Equal(modem.LocalEndPoint.ToString(), session.EndpointText);
        Assert.Equal(1, cloud.Metrics.DatagramCount(DatagramOutcome.Replayed));
    }
}
