namespace SimIoT.Edge.Card;

/// <summary>
/// Adds the ISO/IEC 7816-3/-4 transport rules on top of a raw transport:
/// <list type="bullet">
/// <item><c>61xx</c>: xx more bytes are waiting; fetch them with GET RESPONSE <c>C0</c> with Le = xx
/// (xx = 00 means 256) and append, repeating while the card says 61xx.</item>
/// <item><c>6Cxx</c>: wrong Le; resend the same command with Le = xx, once.</item>
/// </list>
/// GET RESPONSE class byte: ETSI TS 102 221 section 10.1.1 codes GET RESPONSE with CLA '0X'
/// even when the command it follows used the proprietary '8X' (TERMINAL PROFILE, FETCH, ENVELOPE
/// and the applet's own commands), so the channel sends <c>0x00 | logical channel bits</c> of the
/// command's CLA for any class except the GSM class <c>A0</c> (GSM 11.11 pairs it with <c>A0 C0</c>).
/// Logical channel bits are b2..b1 for first-interindustry classes and b4..b1 plus b7 for further
/// ones (ISO/IEC 7816-4 section 5.4.1); secure messaging and chaining bits are cleared.
/// </summary>
public sealed class CardChannel : ICardChannel
{
    private const int MaxRounds = 64;

    private readonly IApduTransport _transport;

    public CardChannel(IApduTransport transport) => _transport = transport ?? throw new ArgumentNullException(nameof(transport));

    public ReadOnlyMemory<byte> Atr => _transport.Atr;

    public long Session => _transport.Session;

    /// <summary>GET RESPONSE exchanges done, for diagnostics and tests.</summary>
    public int GetResponseCount { get; private set; }

    /// <summary>Commands resent after 6Cxx.</summary>
    public int WrongLengthRetries { get; private set; }

    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        if (apdu.Length < 4) throw new ArgumentException("a command APDU has at least 4 bytes (CLA INS P1 P2)", nameof(apdu));
        // Another client's command between 61xx and GET RESPONSE would take the waiting data.
        using var exchange = _transport.BeginExchange();
        byte[] response = _transport.Transmit(apdu);
        if (IsSw(response, 0x6C))
        {
            WrongLengthRetries++;
            response = _transport.Transmit(WithLe(apdu, response[^1]));
        }

        if (!IsSw(response, 0x61)) return response;

        using var collected = new MemoryStream();
        byte getResponseCla = GetResponseClass(apdu[0]);
        for (int round = 0; round < MaxRounds && IsSw(response, 0x61); round++)
        {
            collected.Write(response, 0, response.Length - 2);
            GetResponseCount++;
            response = _transport.Transmit([getResponseCla, 0xC0, 0x00, 0x00, response[^1]]);
            if (IsSw(response, 0x6C))
            {
                // Some cards answer GET RESPONSE with 6Cxx when xx was too large: ask again with their length.
                WrongLengthRetries++;
                response = _transport.Transmit([getResponseCla, 0xC0, 0x00, 0x00, response[^1]]);
            }
        }

        collected.Write(response);
        return collected.ToArray();
    }

    public IDisposable? BeginExchange() => _transport.BeginExchange();

    public void Dispose() => _transport.Dispose();

    /// <summary>See the class summary for the rule and its sources.</summary>
    public static byte GetResponseClass(byte commandClass)
    {
        if (commandClass == 0xA0) return 0xA0;
        bool furtherInterindustry = (commandClass & 0x40) != 0;
        return furtherInterindustry ? (byte)(0x40 | (commandClass & 0x0F)) : (byte)(commandClass & 0x03);
    }

    /// <summary>
    /// The command with Le replaced (case 2 or 4) or appended (case 1 or 3), short APDUs only.
    /// Case 3/4 are told apart by whether Lc accounts for every byte after the header.
    /// </summary>
    public static byte[] WithLe(ReadOnlySpan<byte> apdu, byte le)
    {
        if (apdu.Length == 4) return [.. apdu, le];
        if (apdu.Length == 5) return [.. apdu[..4], le];
        int lc = apdu[4];
        if (apdu.Length == 5 + lc) return [.. apdu, le];
        if (apdu.Length == 6 + lc) return [.. apdu[..^1], le];
        throw new ArgumentException("not a short command APDU: Lc does not match the length", nameof(apdu));
    }

    private static bool IsSw(byte[] response, byte sw1) => response.Length >= 2 && response[^2] == sw1;
}
