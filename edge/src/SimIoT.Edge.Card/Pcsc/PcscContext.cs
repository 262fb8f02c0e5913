using System.Runtime.InteropServices;
using System.Text;
using static SimIoT.Edge.Card.Pcsc.PcscNative;

namespace SimIoT.Edge.Card.Pcsc;

/// <summary>
/// An SCardEstablishContext context: lists readers, watches them, connects to cards.
/// Use from one thread at a time.
/// </summary>
public sealed unsafe class PcscContext : IDisposable
{
    private const uint ScopeSystem = 2;
    private nint _handle;

    private PcscContext(nint handle) => _handle = handle;

    /// <exception cref="PcscException">No PC/SC service (SCARD_E_NO_SERVICE: pcscd not running) or another failure.</exception>
    /// <exception cref="DllNotFoundException">libpcsclite.so.1 is not installed.</exception>
    public static PcscContext Establish()
    {
        nint handle;
        Check(SCardEstablishContext(new CULong(ScopeSystem), 0, 0, &handle), nameof(SCardEstablishContext));
        return new PcscContext(handle);
    }

    public IReadOnlyList<string> ListReaders()
    {
        var length = new CULong(0);
        var rc = (PcscError)Code(ListReaders(null, &length));
        if (rc is PcscError.NoReadersAvailable) return [];
        Check(rc, "SCardListReaders");
        var buffer = new byte[(int)length.Value];
        fixed (byte* p = buffer)
        {
            rc = (PcscError)Code(ListReaders(p, &length));
        }

        if (rc is PcscError.NoReadersAvailable) return [];
        Check(rc, "SCardListReaders");
        // A multi-string: names separated by NUL, ended by an empty name.
        return Encoding.UTF8.GetString(buffer, 0, (int)length.Value).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The current state of each reader (SCardGetStatusChange with SCARD_STATE_UNAWARE and no wait).</summary>
    public IReadOnlyList<ReaderInfo> GetStatus(IReadOnlyList<string> readers)
    {
        var current = new uint[readers.Count];
        return GetStatusChange(readers, current, TimeSpan.Zero) ?? throw new PcscException("SCardGetStatusChange", PcscError.Timeout);
    }

    /// <summary>
    /// Waits until a reader's state differs from <paramref name="known"/> (null: report it at once).
    /// Null when <paramref name="timeout"/> passes first.
    /// </summary>
    public ReaderInfo? WaitForChange(string reader, ReaderInfo? known, TimeSpan timeout) =>
        GetStatusChange([reader], [known?.ToCurrentState() ?? 0], timeout)?[0];

    public PcscCard Connect(string reader, CardProtocol preferred = CardProtocol.Any, bool exclusive = false)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        byte[] name = NullTerminated(reader);
        nint card;
        CULong active;
        CULong share = new(exclusive ? 1u : 2u); // SCARD_SHARE_EXCLUSIVE / SCARD_SHARE_SHARED
        fixed (byte* n = name)
        {
            var rc = OperatingSystem.IsWindows()
                ? SCardConnectWindows(_handle, n, share, new CULong((uint)preferred), &card, &active)
                : SCardConnectUnix(_handle, n, share, new CULong((uint)preferred), &card, &active);
            Check(rc, "SCardConnect");
        }

        return new PcscCard(card, reader, (CardProtocol)(int)active.Value, exclusive);
    }

    public void Dispose()
    {
        if (_handle == 0) return;
        SCardReleaseContext(_handle);
        _handle = 0;
    }

    internal static void Check(CLong result, string function) => Check((PcscError)Code(result), function);

    internal static void Check(PcscError error, string function)
    {
        if (error != PcscError.Success) throw new PcscException(function, error);
    }

    private CLong ListReaders(byte* buffer, CULong* length)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        return OperatingSystem.IsWindows()
            ? SCardListReadersWindows(_handle, null, buffer, length)
            : SCardListReadersUnix(_handle, null, buffer, length);
    }

    private ReaderInfo[]? GetStatusChange(IReadOnlyList<string> readers, IReadOnlyList<uint> known, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        // SCARD_INFINITE is 0xFFFFFFFF; any finite wait is given in ms.
        var ms = new CULong(timeout == Timeout.InfiniteTimeSpan ? uint.MaxValue : (uint)Math.Min(timeout.TotalMilliseconds, uint.MaxValue - 1));
        var names = new nint[readers.Count];
        try
        {
            for (int i = 0; i < names.Length; i++) names[i] = Marshal.StringToCoTaskMemUTF8(readers[i]);
            return OperatingSystem.IsWindows() ? WaitWindows(names, known, ms) : WaitUnix(names, known, ms);
        }
        finally
        {
            foreach (var n in names) Marshal.FreeCoTaskMem(n);
        }

        ReaderInfo[]? WaitUnix(nint[] names, IReadOnlyList<uint> known, CULong ms)
        {
            var states = new ReaderStateUnix[names.Length];
            for (int i = 0; i < states.Length; i++)
            {
                states[i].Reader = names[i];
                states[i].CurrentState = new CULong(known[i]);
            }

            fixed (ReaderStateUnix* p = states)
            {
                var rc = (PcscError)Code(SCardGetStatusChangeUnix(_handle, ms, p, new CULong((uint)states.Length)));
                if (rc == PcscError.Timeout) return null;
                Check(rc, "SCardGetStatusChange");
            }

            return [.. states.Select((s, i) => ToInfo(readers[i], (uint)s.EventState.Value, ((ReadOnlySpan<byte>)s.Atr)[..Math.Min((int)s.AtrLength.Value, 33)]))];
        }

        ReaderInfo[]? WaitWindows(nint[] names, IReadOnlyList<uint> known, CULong ms)
        {
            var states = new ReaderStateWindows[names.Length];
            for (int i = 0; i < states.Length; i++)
            {
                states[i].Reader = names[i];
                states[i].CurrentState = new CULong(known[i]);
            }

            fixed (ReaderStateWindows* p = states)
            {
                var rc = (PcscError)Code(SCardGetStatusChangeWindows(_handle, ms, p, new CULong((uint)states.Length)));
                if (rc == PcscError.Timeout) return null;
                Check(rc, "SCardGetStatusChange");
            }

            return [.. states.Select((s, i) => ToInfo(readers[i], (uint)s.EventState.Value, ((ReadOnlySpan<byte>)s.Atr)[..Math.Min((int)s.AtrLength.Value, 36)]))];
        }
    }

    private static ReaderInfo ToInfo(string reader, uint eventState, ReadOnlySpan<byte> atr) =>
        new(reader, (ReaderStatus)(int)(eventState & 0xFFFF), atr.ToArray(), (int)(eventState >> 16));

    private static byte[] NullTerminated(string s) => [.. Encoding.UTF8.GetBytes(s), 0];
}
