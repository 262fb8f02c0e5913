namespace SimIoT.Edge.Sim;

/// <summary>The card refused a command; <see cref="StatusWord"/> says why (ISO 7816-4).</summary>
public sealed class SimCardException(string operation, ushort statusWord)
    : Exception($"{operation} refused by the card: SW {statusWord:X4} ({Describe(statusWord)})")
{
    public ushort StatusWord { get; } = statusWord;

    public static string Describe(ushort sw) => sw switch
    {
        0x6700 => "wrong length",
        0x6982 => "security status not satisfied: administrator authentication needed",
        0x6983 => "authentication blocked",
        0x6985 => "conditions of use not satisfied",
        0x6A80 => "wrong data",
        0x6A84 => "not enough memory: the card's frame buffer is full",
        0x6A86 => "incorrect P1/P2",
        0x6A88 => "referenced data not found",
        0x6D00 => "instruction not supported: is the SimIoT applet selected?",
        0x6E00 => "class not supported",
        0x6999 => "applet selection failed",
        0x6A82 => "applet not found",
        _ when (sw & 0xFFF0) == 0x63C0 => $"verification failed, {sw & 0xF} tries left",
        _ => "unexpected status",
    };
}
