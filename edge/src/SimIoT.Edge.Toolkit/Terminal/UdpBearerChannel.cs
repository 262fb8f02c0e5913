using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>
/// A BIP channel in UDP client mode: one connected socket that sends what the card stores
/// and receives what the cloud sends back. Using one socket for both keeps the carrier's
/// NAT binding the cloud answers to.
/// </summary>
public sealed class UdpBearerChannel : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly MemoryStream _transmit = new();
    private readonly Task _receiveLoop;
    private byte[]? _current;
    private int _currentOffset;
    private readonly Func<ReadOnlyMemory<byte>, bool>? _outgoing;
    private readonly Func<ReadOnlyMemory<byte>, bool>? _incoming;
    private int _dropped;
    private int _sendErrors;
    private int _disposed;

    /// <param name="outgoing">
    /// Sees every datagram the card sends before it leaves; returning false keeps it off the
    /// wire (the caller stores it and sends it later, in order).
    /// </param>
    /// <param name="incoming">Sees every datagram received; returning false keeps it from the card.</param>
    public UdpBearerChannel(int id, IPEndPoint remote, int bufferSize, Action<UdpBearerChannel> onDatagram, Func<ReadOnlyMemory<byte>, bool>? outgoing = null, Func<ReadOnlyMemory<byte>, bool>? incoming = null)
    {
        _outgoing = outgoing;
        _incoming = incoming;
        Id = id;
        Remote = remote;
        BufferSize = bufferSize;
        _socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Connect(remote);
        _receiveLoop = ReceiveAsync(onDatagram);
    }

    public int Id { get; }

    public IPEndPoint Remote { get; }

    public int BufferSize { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public bool IsOpen => !_stop.IsCancellationRequested;

    /// <summary>Sends the network refused, typically an ICMP "port unreachable" left by an earlier datagram while the cloud was down.</summary>
    public int SendErrors => _sendErrors;

    /// <summary>Datagrams dropped because the receive buffer was full (the card was not reading).</summary>
    public int Dropped => _dropped;

    public int FreeTransmitSpace => Math.Max(0, BufferSize - (int)_transmit.Length);

    /// <summary>Bytes the card can still read: the rest of the current datagram plus the queued ones.</summary>
    public int Available => (_current is null ? 0 : _current.Length - _currentOffset) + _received.Sum(d => d.Length);

    /// <summary>Stores channel data; when <paramref name="sendNow"/>, everything stored goes out as one datagram.</summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> data, bool sendNow, CancellationToken cancellationToken)
    {
        if (data.Length > FreeTransmitSpace) return false;
        _transmit.Write(data.Span);
        if (sendNow)
        {
            var datagram = _transmit.ToArray();
            _transmit.SetLength(0);
            if (_outgoing?.Invoke(datagram) ?? true) await SendAsync(datagram, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>Sends a datagram the card made earlier again (store-and-forward replay), from the same socket.</summary>
    public Task ResendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken) => SendAsync(datagram, cancellationToken);

    // UDP gives no delivery report: on a connected socket an ICMP error about an earlier datagram
    // (the cloud restarting) surfaces on a later send. It says nothing about this one, which the
    // caller keeps until acknowledged anyway, so it is counted, not thrown.
    private async Task SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendAsync(datagram, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
    }

    /// <summary>Reads up to <paramref name="max"/> bytes, within one datagram at a time so the card can tell them apart.</summary>
    public byte[] Read(int max)
    {
        if (_current is null || _currentOffset >= _current.Length)
        {
            _current = _received.TryDequeue(out var next) ? next : null;
            _currentOffset = 0;
        }
        if (_current is null) return [];
        int count = Math.Min(max, _current.Length - _currentOffset);
        var chunk = _current.AsSpan(_currentOffset, count).ToArray();
        _currentOffset += count;
        return chunk;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task ReceiveAsync(Action<UdpBearerChannel> onDatagram)
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a cloud that is down surfaces here; the channel stays open.
                continue;
            }
            if (_incoming?.Invoke(buffer.AsMemory(0, length)) == false) continue;
            if (Available + length > BufferSize)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            _received.Enqueue(buffer.AsSpan(0, length).ToArray());
            onDatagram(this);
        }
    }
}
