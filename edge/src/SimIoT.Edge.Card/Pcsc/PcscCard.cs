using System.Runtime.InteropServices;
using static SimIoT.Edge.Card.Pcsc.PcscNative;

namespace SimIoT.Edge.Card.Pcsc;

/// <summary>A connected card (SCARDHANDLE). Raw transmit; errors surface as <see cref="PcscException"/>.</summary>
public sealed unsafe class PcscCard : IDisposable
{
    // Short APDUs answer at most 256 data bytes + SW; extended ones up to 65536 + 2.
    private const int MaxResponse = 65538;
    private nint _handle;
    private readonly bool _exclusive;

    internal PcscCard(nint handle, string reader, CardProtocol protocol, bool exclusive)
    {
        _handle = handle;
        Reader = reader;
        Protocol = protocol;
        _exclusive = exclusive;
    }

    public string Reader { get; }

    public CardProtocol Protocol { get; private set; }

    public byte[] Transmit(ReadOnlySpan<byte> apdu)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        var pci = new IoRequest { Protocol = new CULong((uint)Protocol), PciLength = new CULong((uint)sizeof(IoRequest)) };
        var response = new byte[MaxResponse];
        var length = new CULong(MaxResponse);
        fixed (byte* send = apdu)
        fixed (byte* receive = response)
        {
            PcscContext.Check(SCardTransmit(_handle, &pci, send, new CULong((uint)apdu.Length), null, receive, &length), "SCardTransmit");
        }

        return response.AsSpan(0, (int)length.Value).ToArray();
    }

    /// <summary>
    /// SCardBeginTransaction: until <see cref="EndTransaction"/>, other handles to this card (other
    /// PC/SC clients) wait for their own transaction or get SCARD_E_SHARING_VIOLATION. Nests.
    /// </summary>
    public void BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        PcscContext.Check(SCardBeginTransaction(_handle), "SCardBeginTransaction");
    }

    /// <summary>SCardEndTransaction with SCARD_LEAVE_CARD; nothing once disconnected (that ended it).</summary>
    public void EndTransaction()
    {
        if (_handle == 0) return;
        PcscContext.Check(SCardEndTransaction(_handle, new CULong(0)), "SCardEndTransaction");
    }

    /// <summary>SCardReconnect: after SCARD_W_RESET_CARD, or to reset the card ourselves (<paramref name="reset"/>).</summary>
    public void Reconnect(bool reset)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        CULong active;
        var rc = SCardReconnect(_handle, new CULong(_exclusive ? 1u : 2u), new CULong((uint)CardProtocol.Any), new CULong(reset ? 1u : 0u), &active);
        PcscContext.Check(rc, "SCardReconnect");
        Protocol = (CardProtocol)(int)active.Value;
    }

    /// <summary>SCardDisconnect with SCARD_LEAVE_CARD (or SCARD_RESET_CARD when <paramref name="reset"/>).</summary>
    public void Disconnect(bool reset = false)
    {
        if (_handle == 0) return;
        SCardDisconnect(_handle, new CULong(reset ? 1u : 0u));
        _handle = 0;
    }

    public void Dispose() => Disconnect();
}
