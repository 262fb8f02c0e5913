using System.Net;
using System.Net.Sockets;
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
    public async Task A_replay_is_acknowledged_where_it_came_from_without_moving_the_binding()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var id = new ModemId(0x7e57);
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var response = await cloud.Http.PostAsync("/api/modems", new StringContent(
            $$"""{"id":"{{id}}","nickname":"restarting","masterKey":"{{Convert.ToHexString(key)}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var registry = cloud.App.Services.GetService(typeof(SimIoT.Cloud.Gateway.ModemRegistry)) as SimIoT.Cloud.Gateway.ModemRegistry;
        await Eventually.TrueAsync(() => registry!.TryGet(id, out _), "gateway knows the modem");

        using var keys = new ModemKeys(key, id);
        var frame = SecureFrame.Seal(keys, FrameKind.UplinkData, 1, V1Packet.IotData(3, DateTime.UtcNow, new byte[] { 0, 0, 8, 52 }).ToArray());
        using var before = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var after = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await before.SendAsync(frame, cloud.Udp);
        var first = await before.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(FrameKind.UplinkAck, (FrameKind)first.Buffer[1]);

        await after.SendAsync(frame, cloud.Udp); // the same frame from the restarted modem's new socket
        var second = await after.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var payload = new byte[second.Buffer.Length];
        Assert.Equal(FrameError.None, SecureFrame.Open(keys, second.Buffer, payload, out var header));
        Assert.Equal(FrameKind.UplinkAck, header.Kind);
        Assert.True(UplinkAck.TryRead(payload.AsSpan(0, header.PayloadLength), out var ack) && ack.Acknowledges(1));

        // The binding hears the same ack (a stranger replaying cannot divert it) and has not moved.
        var atBinding = await before.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(second.Buffer, atBinding.Buffer);
        Assert.True(registry!.TryGet(id, out var session));
        Assert.Equal(((IPEndPoint)before.Client.LocalEndPoint!).ToString(), session.EndpointText);
        Assert.Equal(1, cloud.Metrics.DatagramCount(SimIoT.Cloud.Metrics.DatagramOutcome.Replayed));
    }
}
