using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// A test-only virtual card: a vicc client of the vsmartcard protocol (2-byte big-endian length
/// frames; 1-byte control codes 00 off, 01 on, 02 reset, 04 ATR) that answers APDUs through a
/// handler. Written from the protocol description, independently of the agent's vpcd code.
/// </summary>
public sealed class VirtualCard : IDisposable
{
    /// <summary>TS 3B, T0 80 (TD1 follows), TD1 80 (T=0, TD2 follows), TD2 01 (T=1), TCK 01: offers T=0 and T=1.</summary>
    public static readonly byte[] DualProtocolAtr = [0x3B, 0x80, 0x80, 0x01, 0x01];

    private readonly TcpClient _client;
    private readonly Func<byte[], byte[]> _handler;
    private readonly Thread _thread;

    private VirtualCard(TcpClient client, byte[] atr, Func<byte[], byte[]> handler)
    {
        _client = client;
        Atr = atr;
        _handler = handler;
        _thread = new Thread(Run) { IsBackground = true, Name = "virtual card" };
        _thread.Start();
    }

    public byte[] Atr { get; }

    public ConcurrentQueue<byte[]> Commands { get; } = new();

    public int PowerOns;

    public static VirtualCard Insert(int port, Func<byte[], byte[]> handler, byte[]? atr = null)
    {
        var client = new TcpClient { NoDelay = true };
        // vpcd may still be tearing down the previous connection on this slot: retry briefly.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                client.Connect("127.0.0.1", port);
                break;
            }
            catch (SocketException) when (attempt < 50)
            {
                Thread.Sleep(100);
            }
        }

        return new VirtualCard(client, atr ?? DualProtocolAtr, handler);
    }

    /// <summary>Pulls the card: closes the connection, which vpcd and the agent see as removal.</summary>
    public void Remove() => _client.Close();

    public void Dispose()
    {
        _client.Close();
        _thread.Join(TimeSpan.FromSeconds(2));
    }

    private void Run()
    {
        try
        {
            var stream = _client.GetStream();
            var header = new byte[2];
            while (true)
            {
                stream.ReadExactly(header);
                var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(header)];
                stream.ReadExactly(message);
                byte[]? reply = message.Length == 1 ? Control(message[0]) : Apdu(message);
                if (reply is null) continue;
                var frame = new byte[2 + reply.Length];
                BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)reply.Length);
                reply.CopyTo(frame, 2);
                stream.Write(frame);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or EndOfStreamException)
        {
            // Removed.
        }
    }

    private byte[]? Control(byte code)
    {
        if (code == 0x01) Interlocked.Increment(ref PowerOns);
        return code == 0x04 ? Atr : null;
    }

    private byte[] Apdu(byte[] apdu)
    {
        Commands.Enqueue(apdu);
        return _handler(apdu);
    }
}
