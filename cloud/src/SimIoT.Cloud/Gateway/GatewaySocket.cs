using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The gateway's one UDP socket, shared by the receive loop and the downlink sender: a carrier
/// NAT only lets a reply in from the address and port the modem sent to (the seed's lesson).
/// </summary>
public sealed class GatewaySocket(ILogger<GatewaySocket> logger) : IDisposable
{
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _socket;

    /// <summary>Completes with the local endpoint once bound (tests use it to find port 0's choice).</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    public Socket Bind(GatewayOptions options)
    {
        var address = IPAddress.Parse(options.UdpAddress);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = true;
        socket.ReceiveBufferSize = options.ReceiveBufferBytes;
        socket.SendBufferSize = 4 * 1024 * 1024;
        socket.ReceiveTimeout = 200;
        if (options.ReusePort) ReusePort(socket);
        socket.Bind(new IPEndPoint(address, options.UdpPort));
        _socket = socket;
        _bound.TrySetResult((IPEndPoint)socket.LocalEndPoint!);
        return socket;
    }

    // SOL_SOCKET = 1, SO_REUSEPORT = 15 on Linux; set before bind, by every process sharing the port.
    private static void ReusePort(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("Gateway:ReusePort needs Linux's SO_REUSEPORT");
        socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
    }

    public void Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        try
        {
            _socket?.SendTo(datagram, SocketFlags.None, destination);
        }
        catch (SocketException ex)
        {
            // A modem that went away (ICMP unreachable) must not stop the downlink loop.
            logger.LogDebug(ex, "Send failed");
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The endpoint as this socket sends to it (an IPv4 address mapped when the socket is dual-mode IPv6).</summary>
    public SocketAddress AddressOf(IPEndPoint endpoint) =>
        (_socket?.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(endpoint.Address.MapToIPv6(), endpoint.Port)
            : endpoint).Serialize();

    public void Dispose() => _socket?.Dispose();
}
