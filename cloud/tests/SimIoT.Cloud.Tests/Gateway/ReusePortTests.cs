using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Cloud.Gateway;

namespace SimIoT.Cloud.Tests.Gateway;

public sealed class ReusePortTests
{
    [Fact]
    public void Gateways_with_ReusePort_share_the_udp_port_and_each_source_stays_on_one_socket()
    {
        using var first = new GatewaySocket(NullLogger<GatewaySocket>.Instance);
        using var second = new GatewaySocket(NullLogger<GatewaySocket>.Instance);
        var a = first.Bind(new GatewayOptions { UdpAddress = "127.0.0.1", UdpPort = 0, ReusePort = true });
        int port = ((IPEndPoint)a.LocalEndPoint!).Port;
        var b = second.Bind(new GatewayOptions { UdpAddress = "127.0.0.1", UdpPort = port, ReusePort = true });

        // Without the option the port is taken.
        using (var third = new GatewaySocket(NullLogger<GatewaySocket>.Instance))
            Assert.Throws<SocketException>(() => third.Bind(new GatewayOptions { UdpAddress = "127.0.0.1", UdpPort = port }));

        // Sources spread over both sockets, and every datagram of one source reaches the same socket.
        var landed = new Dictionary<int, Socket>();
        var buffer = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            using var modem = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            modem.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            for (int n = 0; n < 3; n++) modem.SendTo(new byte[] { (byte)n }, new IPEndPoint(IPAddress.Loopback, port));
            int source = ((IPEndPoint)modem.LocalEndPoint!).Port;
            for (int n = 0; n < 3; n++)
            {
                var ready = new List<Socket> { a, b };
                Socket.Select(ready, null, null, 5_000_000);
                Assert.NotEmpty(ready);
                var socket = ready[0];
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                socket.ReceiveFrom(buffer, ref from);
                Assert.Equal(source, ((IPEndPoint)from).Port);
                if (landed.TryGetValue(source, out var before)) Assert.Same(before, socket);
                landed[source] = socket;
            }
        }
        Assert.Contains(a, landed.Values);
        Assert.Contains(b, landed.Values);
    }
}
