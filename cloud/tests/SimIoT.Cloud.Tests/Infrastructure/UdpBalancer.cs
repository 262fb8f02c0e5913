using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// A UDP load balancer in front of several gateways: each client gets an upstream socket of its
/// own (one source address per modem, as the gateways see it), its datagrams go to the backend
/// chosen now, and whatever a backend sends back goes to the client. <see cref="Route"/> moves
/// every client at once, as a balancer does when a backend goes away.
/// </summary>
public sealed class UdpBalancer : IDisposable
{
    private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint[] _backends;
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _upstream = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile int _current;

    public UdpBalancer(params IPEndPoint[] backends)
    {
        _backends = backends;
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _ = Task.Run(ForwardAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_front.LocalEndPoint!;

    public void Route(int backend) => _current = backend;

    private async Task ForwardAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _front.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            var client = (IPEndPoint)received.RemoteEndPoint;
            var upstream = _upstream.GetOrAdd(client, c =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                _ = Task.Run(() => ReturnAsync(socket, c));
                return socket;
            });
            upstream.SendTo(buffer.AsSpan(0, received.ReceivedBytes), SocketFlags.None, _backends[_current]);
        }
    }

    private async Task ReturnAsync(Socket upstream, IPEndPoint client)
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await upstream.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                _front.SendTo(buffer.AsSpan(0, received.ReceivedBytes), SocketFlags.None, client);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _front.Dispose();
        foreach (var socket in _upstream.Values) socket.Dispose();
        _stop.Dispose();
    }
}
