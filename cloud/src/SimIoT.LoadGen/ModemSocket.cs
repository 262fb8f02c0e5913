using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SimIoT.Protocol.V2;

namespace SimIoT.LoadGen;

/// <summary>
/// One UDP socket that simulated modems share, as modems behind one carrier NAT share an address:
/// it sends their frames and hands each datagram it receives to the modem its frame header names.
/// A fleet of 20,000 modems needs a handful of these, not 20,000 descriptors.
/// </summary>
public sealed class ModemSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly Socket? _mirror;
    private readonly IPEndPoint? _mirrorTo;
    private readonly ConcurrentDictionary<ulong, SimulatedModem> _modems = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiver;
    private int _disposed;

    /// <param name="mirror">Where a copy of every datagram sent also goes (the bench's bare receiver), or null.</param>
    public ModemSocket(IPEndPoint gateway, IPEndPoint? mirror = null)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Connect(gateway);
        if (mirror is not null)
        {
            _mirror = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _mirrorTo = mirror;
        }
        _receiver = Task.Run(ReceiveAsync);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    internal void Attach(SimulatedModem modem) => _modems[modem.Id.Value] = modem;

    internal void Detach(SimulatedModem modem) => _modems.TryRemove(new KeyValuePair<ulong, SimulatedModem>(modem.Id.Value, modem));

    /// <summary>Sends a datagram; a refused or full link loses it, as a real one does.</summary>
    public void Send(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket.Send(datagram);
            _mirror?.SendTo(datagram, SocketFlags.None, _mirrorTo!);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.NoBufferSpaceAvailable)
        {
            // The cloud is not there (an ICMP port unreachable came back): the frame is lost, as on a real link.
        }
    }

    /// <summary>Sends bytes as they are, errors included (forgeries, replays, garbage).</summary>
    public void SendRaw(ReadOnlySpan<byte> datagram) => _socket.Send(datagram);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            if (PathChallenge.TryRead(buffer.AsSpan(0, n), out var challenged, out var nonce))
            {
                if (_modems.TryGetValue(challenged.Value, out var target)) target.Challenged(nonce);
                continue;
            }
            // The header is in clear: it names the modem whose keys verify the rest.
            if (SecureFrame.TryReadHeader(buffer.AsSpan(0, n), out var header) == FrameError.None
                && _modems.TryGetValue(header.ModemId.Value, out var modem))
            {
                modem.Receive(buffer.AsSpan(0, n));
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        _socket.Dispose();
        _mirror?.Dispose();
        try
        {
            _receiver.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
