using System.Buffers.Binary;
using System.Net.Sockets;

namespace SimIoT.Edge.Card.Vpcd;

/// <summary>
/// vsmartcard vpcd framing: every message is a 2-byte big-endian length and that many bytes
/// (vpcd.c sendToVICC/recvFromVICC). A 1-byte message from the reader side is a control code.
/// </summary>
internal static class VpcdFrame
{
    public const byte PowerOff = 0x00, PowerOn = 0x01, Reset = 0x02, GetAtr = 0x04;

    public static void Write(Socket socket, ReadOnlySpan<byte> message)
    {
        if (message.Length > ushort.MaxValue) throw new ArgumentException("a vpcd message is at most 65535 bytes", nameof(message));
        var frame = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame.AsSpan(2));
        socket.Send(frame);
    }

    /// <summary>Null when the peer closed the connection or sent a zero length, which vpcd treats as card removal.</summary>
    public static byte[]? Read(Socket socket)
    {
        Span<byte> header = stackalloc byte[2];
        if (!ReadExactly(socket, header)) return null;
        int length = BinaryPrimitives.ReadUInt16BigEndian(header);
        if (length == 0) return null;
        var body = new byte[length];
        return ReadExactly(socket, body) ? body : null;
    }

    private static bool ReadExactly(Socket socket, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = socket.Receive(buffer);
            if (n == 0) return false;
            buffer = buffer[n..];
        }

        return true;
    }
}
