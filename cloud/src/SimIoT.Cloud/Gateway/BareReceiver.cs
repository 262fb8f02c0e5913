using System.Net;
using System.Net.Sockets;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// The floor the gateway is measured against (<c>./simiot bench ingest</c>): the gateway's own
/// socket set-up and recvmmsg batches, touching each datagram's bytes and nothing else. A
/// one-byte datagram <see cref="Probe"/> is answered with the count so far (8 bytes, little-endian),
/// so the bench reads it without signals or files.
/// </summary>
public sealed class BareReceiver(IPEndPoint endpoint) : IDisposable
{
    public const byte Probe = (byte)'?';

    private readonly Socket _socket = Bind(endpoint);
    private long _count;
    private long _checksum;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Receives until the socket is disposed.</summary>
    public void Run()
    {
        var source = new SocketAddress(_socket.AddressFamily, 128);
        Span<byte> reply = stackalloc byte[8];
        using var receiver = new LinuxBatchReceiver(_socket);
        try
        {
            while (true)
            {
                int n = receiver.Receive();
                if (n == 0) _socket.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead);
                for (int i = 0; i < n; i++)
                {
                    var datagram = receiver.Datagram(i).Span;
                    if (datagram.Length == 1 && datagram[0] == Probe)
                    {
                        receiver.CopySource(i, source);
                        BitConverter.TryWriteBytes(reply, Count);
                        _socket.SendTo(reply, SocketFlags.None, source);
                        continue;
                    }
                    // Read the bytes once, as any receiver must, so the comparison is fair.
                    long sum = 0;
                    foreach (byte b in datagram) sum += b;
                    _checksum += sum;
                    Interlocked.Increment(ref _count);
                }
            }
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static Socket Bind(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveBufferSize = new GatewayOptions().ReceiveBufferBytes,
            ReceiveTimeout = 200,
        };
        socket.Bind(endpoint);
        return socket;
    }

    public void Dispose() => _socket.Dispose();
}
