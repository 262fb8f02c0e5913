using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SimIoT.Edge.Card.Pcsc;

/// <summary>
/// The PC/SC calls we use, bound with LibraryImport to pcsc-lite (<c>libpcsclite.so.1</c>) or
/// WinSCard (<c>winscard.dll</c>).
///
/// ABI notes, the reason for every type below:
/// <list type="bullet">
/// <item>pcsc-lite (Linux) declares <c>DWORD</c> as <c>unsigned long</c> and <c>LONG</c> as <c>long</c>:
/// 64 bits on linux-x64 and linux-arm64, 32 on 32-bit ARM. Windows declares the same names as
/// 32-bit <c>unsigned long</c>/<c>long</c>. <see cref="CULong"/>/<see cref="CLong"/> are exactly C's
/// <c>unsigned long</c>/<c>long</c> on each platform, so one signature fits both.</item>
/// <item>Return codes are <c>LONG</c>: on 64-bit Linux <c>SCARD_E_TIMEOUT</c> comes back as the
/// positive 0x000000008010000A, on Windows as a negative int; compare the low 32 bits only.</item>
/// <item><c>SCARDCONTEXT</c>/<c>SCARDHANDLE</c> are <c>LONG</c> in pcsc-lite and <c>ULONG_PTR</c> in
/// WinSCard: pointer-sized on every platform we target, hence <see cref="nint"/>.</item>
/// <item><c>SCARD_READERSTATE</c> ends in <c>rgbAtr[33]</c> (MAX_ATR_SIZE) in pcsc-lite but
/// <c>rgbAtr[36]</c> in WinSCard, and its DWORD fields differ in size as above: two structs.
/// (macOS's PCSC framework uses 32-bit DWORDs and a packed struct: not supported.)</item>
/// <item>Windows exports the string functions with an A/W suffix; pcsc-lite has no suffix and
/// speaks UTF-8. We use the A variants there.</item>
/// </list>
/// Not thread-safe per context (pcsc-lite documents one context per thread); callers serialise.
/// </summary>
internal static unsafe partial class PcscNative
{
    private const string Library = "pcsclite";

    static PcscNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(PcscNative).Assembly, Resolve);
    }

    [LibraryImport(Library)]
    internal static partial CLong SCardEstablishContext(CULong scope, nint reserved1, nint reserved2, nint* context);

    [LibraryImport(Library)]
    internal static partial CLong SCardReleaseContext(nint context);

    [LibraryImport(Library, EntryPoint = "SCardListReaders")]
    internal static partial CLong SCardListReadersUnix(nint context, byte* groups, byte* readers, CULong* readersLength);

    [LibraryImport(Library, EntryPoint = "SCardListReadersA")]
    internal static partial CLong SCardListReadersWindows(nint context, byte* groups, byte* readers, CULong* readersLength);

    [LibraryImport(Library, EntryPoint = "SCardGetStatusChange")]
    internal static partial CLong SCardGetStatusChangeUnix(nint context, CULong timeoutMs, ReaderStateUnix* states, CULong count);

    [LibraryImport(Library, EntryPoint = "SCardGetStatusChangeA")]
    internal static partial CLong SCardGetStatusChangeWindows(nint context, CULong timeoutMs, ReaderStateWindows* states, CULong count);

    [LibraryImport(Library, EntryPoint = "SCardConnect")]
    internal static partial CLong SCardConnectUnix(nint context, byte* reader, CULong shareMode, CULong preferredProtocols, nint* card, CULong* activeProtocol);

    [LibraryImport(Library, EntryPoint = "SCardConnectA")]
    internal static partial CLong SCardConnectWindows(nint context, byte* reader, CULong shareMode, CULong preferredProtocols, nint* card, CULong* activeProtocol);

    [LibraryImport(Library)]
    internal static partial CLong SCardReconnect(nint card, CULong shareMode, CULong preferredProtocols, CULong initialization, CULong* activeProtocol);

    [LibraryImport(Library)]
    internal static partial CLong SCardDisconnect(nint card, CULong disposition);

    [LibraryImport(Library)]
    internal static partial CLong SCardTransmit(nint card, IoRequest* sendPci, byte* send, CULong sendLength, IoRequest* receivePci, byte* receive, CULong* receiveLength);

    [LibraryImport(Library)]
    internal static partial CLong SCardBeginTransaction(nint card);

    [LibraryImport(Library)]
    internal static partial CLong SCardEndTransaction(nint card, CULong disposition);

    /// <summary>The low 32 bits of a LONG result: the SCARD_* code on every platform.</summary>
    internal static uint Code(CLong result) => unchecked((uint)(long)result.Value);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return 0;
        string file = OperatingSystem.IsWindows() ? "winscard.dll" : OperatingSystem.IsMacOS() ? "/System/Library/Frameworks/PCSC.framework/PCSC" : "libpcsclite.so.1";
        return NativeLibrary.Load(file, assembly, path);
    }

    /// <summary>SCARD_IO_REQUEST: protocol and the size of this header (both DWORD).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoRequest
    {
        public CULong Protocol;
        public CULong PciLength;
    }

    /// <summary>pcsc-lite SCARD_READERSTATE (pcsclite.h): DWORD = unsigned long, rgbAtr[MAX_ATR_SIZE = 33].</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ReaderStateUnix
    {
        public nint Reader;
        public nint UserData;
        public CULong CurrentState;
        public CULong EventState;
        public CULong AtrLength;
        public AtrBuffer33 Atr;
    }

    /// <summary>WinSCard SCARD_READERSTATEA (winscard.h): DWORD = 32 bits, rgbAtr[36].</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ReaderStateWindows
    {
        public nint Reader;
        public nint UserData;
        public CULong CurrentState;
        public CULong EventState;
        public CULong AtrLength;
        public AtrBuffer36 Atr;
    }

    [InlineArray(33)]
    internal struct AtrBuffer33
    {
        private byte _element0;
    }

    [InlineArray(36)]
    internal struct AtrBuffer36
    {
        private byte _element0;
    }
}
