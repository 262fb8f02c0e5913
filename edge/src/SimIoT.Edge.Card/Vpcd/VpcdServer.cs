using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SimIoT.Edge.Card.Vpcd;

/// <summary>
/// The agent as the vpcd side of the vsmartcard protocol, for machines without pcscd: it listens
/// (TCP 35963 by default, the port vpcd's reader.conf uses) and a virtual card (a vicc client such
/// as the JVM card host) connects to it. A connected card is "inserted": the server powers it on
/// (<c>01</c>) and asks for its ATR (<c>04</c>), as vpcd does. A closed socket or a zero-length
/// reply is a removal; the next <see cref="Transmit"/> waits for a card to connect again.
/// </summary>
public sealed class VpcdServer : IApduTransport
{
    public const int DefaultPort = 35963;

    private readonly TcpListener _listener;
    private readonly ILogger _logger;
    private Socket? _card;
    private byte[] _atr = [];

    public VpcdServer(IPAddress address, int port = DefaultPort, ILogger? logger = null)
    {
        _listener = new TcpListener(address, port);
        _listener.Start(1);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The bound port (useful with port 0).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public TimeSpan CardWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a card may take to answer one APDU before it counts as removed.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public ReadOnlyMemory<byte> Atr => _atr;

    public long Session { get; private set; }

    public bool CardPresent => _card is not null;

    /// <summary>Accepts a card if one is connecting within <paramref name="timeout"/>, powers it on and reads its ATR.</summary>
    public bool WaitForCard(TimeSpan timeout)
    {
        if (_card is not null) return true;
        if (!_listener.Server.Poll(timeout, SelectMode.SelectRead)) return false;
        var socket = _listener.AcceptSocket();
        socket.NoDelay = true;
        socket.ReceiveTimeout = (int)ResponseTimeout.TotalMilliseconds;
        try
        {
            VpcdFrame.Write(socket, [VpcdFrame.PowerOn]);
            VpcdFrame.Write(socket, [VpcdFrame.GetAtr]);
            var atr = VpcdFrame.Read(socket);
            if (atr is null)
            {
                socket.Dispose();
                return false;
            }

            _atr = atr;
        }
        catch (SocketException e)
        {
            _logger.LogWarning("A virtual card connected but failed during power-on: {Reason}", e.Message);
            socket.Dispose();
            return false;
        }

        _card = socket;
        Session++;
        _logger.LogInformation("Virtual card connected from {Remote}, ATR {Atr}", socket.RemoteEndPoint, Convert.ToHexString(_atr));
        return true;
    }

    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        if (_card is null && !WaitForCard(CardWaitTimeout))
        {
            throw new CardRemovedException($"no virtual card connected to port {Port} within {CardWaitTimeout.TotalSeconds:0.#} s");
        }

        byte[]? response;
        try
        {
            VpcdFrame.Write(_card!, apdu);
            response = VpcdFrame.Read(_card!);
        }
        catch (SocketException e)
        {
            Drop();
            throw new CardRemovedException($"the virtual card's connection failed: {e.Message}", e);
        }

        if (response is null || response.Length < 2)
        {
            Drop();
            throw new CardRemovedException("the virtual card disconnected");
        }

        return response;
    }

    public void Dispose()
    {
        if (_card is not null)
        {
            try
            {
                VpcdFrame.Write(_card, [VpcdFrame.PowerOff]);
            }
            catch (SocketException)
            {
                // The card is going away anyway.
            }
        }

        Drop();
        _listener.Stop();
    }

    private void Drop()
    {
        _card?.Dispose();
        _card = null;
        _atr = [];
    }
}
