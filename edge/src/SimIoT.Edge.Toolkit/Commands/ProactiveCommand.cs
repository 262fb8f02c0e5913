using SimIoT.Edge.Toolkit.Tlv;

namespace SimIoT.Edge.Toolkit.Commands;

/// <summary>
/// A proactive command as FETCH returns it: D0 template, Command Details, Device
/// Identities, then command-specific data objects.
/// </summary>
public sealed class ProactiveCommand
{
    private ProactiveCommand(byte[] commandDetails, byte source, byte destination, IReadOnlyList<ComprehensionTlv> objects)
    {
        CommandDetails = commandDetails;
        Source = source;
        Destination = destination;
        Objects = objects;
    }

    /// <summary>The three bytes of Command Details, echoed unchanged in the TERMINAL RESPONSE.</summary>
    public ReadOnlyMemory<byte> CommandDetails { get; }

    public byte Number => CommandDetails.Span[0];

    /// <summary>The raw type byte; compare with <see cref="ToolkitCommandType"/> (it may be a type SimIoT does not know).</summary>
    public byte TypeCode => CommandDetails.Span[1];

    public ToolkitCommandType Type => (ToolkitCommandType)TypeCode;

    public byte Qualifier => CommandDetails.Span[2];

    public byte Source { get; }

    public byte Destination { get; }

    /// <summary>Every data object after Command Details and Device Identities, in order.</summary>
    public IReadOnlyList<ComprehensionTlv> Objects { get; }

    public ReadOnlyMemory<byte>? Find(int tag)
    {
        foreach (var o in Objects)
        {
            if (o.Tag == tag) return o.Value;
        }
        return null;
    }

    /// <summary>Parses FETCH response data (without the status word); never throws on bad input.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> fetched, out ProactiveCommand command, out string error)
    {
        command = null!;
        var span = fetched.Span;
        if (span.Length < 2 || span[0] != ToolkitTag.ProactiveCommandTemplate)
            return Fail("not a proactive command template (D0)", out error);
        if (!BerLength.TryRead(span[1..], out int length, out int consumed) || 1 + consumed + length != span.Length)
            return Fail("bad template length", out error);

        var objects = new List<ComprehensionTlv>();
        if (!ComprehensionTlv.TryReadAll(fetched.Slice(1 + consumed, length), objects))
            return Fail("malformed data object", out error);
        if (objects.Count < 2 || objects[0].Tag != ToolkitTag.CommandDetails || objects[0].Value.Length != 3)
            return Fail("Command Details missing", out error);
        if (objects[1].Tag != ToolkitTag.DeviceIdentities || objects[1].Value.Length != 2)
            return Fail("Device Identities missing", out error);

        var ids = objects[1].Value.Span;
        command = new ProactiveCommand(objects[0].Value.ToArray(), ids[0], ids[1], objects.Skip(2).ToList());
        error = "";
        return true;
    }

    public override string ToString() => $"#{Number} {Type} (qualifier {Qualifier:x2}, {Source:x2}->{Destination:x2})";

    private static bool Fail(string reason, out string error)
    {
        error = reason;
        return false;
    }
}
