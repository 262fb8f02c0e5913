using System.Buffers.Binary;
using System.Net;

namespace SimIoT.Edge.Toolkit.Commands;

/// <summary>What an OPEN CHANNEL asks for (ETSI TS 102 223 §6.6.27, UICC in client mode).</summary>
public sealed record OpenChannelParameters(
    bool Immediate,
    byte BearerType,
    ReadOnlyMemory<byte> BearerParameters,
    int BufferSize,
    TransportProtocol Protocol,
    int Port,
    IPAddress Address)
{
    /// <summary>Reads the objects; false with a reason when one SimIoT needs is missing or malformed.</summary>
    public static bool TryRead(ProactiveCommand command, out OpenChannelParameters parameters, out string error)
    {
        ArgumentNullException.ThrowIfNull(command);
        parameters = null!;
        error = "";
        if (command.Find(ToolkitTag.BearerDescription) is not { Length: >= 1 } bearer) { error = "bearer description missing"; return false; }
        if (command.Find(ToolkitTag.BufferSize) is not { Length: 2 } buffer) { error = "buffer size missing"; return false; }
        if (command.Find(ToolkitTag.TransportLevel) is not { Length: 3 } transport) { error = "transport level missing"; return false; }
        if (command.Find(ToolkitTag.OtherAddress) is not { Length: >= 1 } address) { error = "data destination address missing"; return false; }

        var a = address.Span;
        IPAddress ip;
        if (a[0] == 0x21 && a.Length == 5) ip = new IPAddress(a[1..5]);
        else if (a[0] == 0x57 && a.Length == 17) ip = new IPAddress(a[1..17]);
        else { error = "address is neither IPv4 (21) nor IPv6 (57)"; return false; }

        var t = transport.Span;
        parameters = new OpenChannelParameters(
            (command.Qualifier & 0x01) != 0,
            bearer.Span[0],
            bearer[1..],
            BinaryPrimitives.ReadUInt16BigEndian(buffer.Span),
            (TransportProtocol)t[0],
            BinaryPrimitives.ReadUInt16BigEndian(t[1..]),
            ip);
        return true;
    }
}
