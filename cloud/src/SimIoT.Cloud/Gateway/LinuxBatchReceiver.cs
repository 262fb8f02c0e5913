using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SimIoT.Cloud.Gateway;

/// <summary>
/// Receives up to <see cref="Batch"/> datagrams per system call with Linux's recvmmsg(2).
/// At 100,000 datagrams/s the per-datagram recvfrom system call was two thirds of the receive
/// thread's time (docs/performance.md); one call per batch removes most of it.
/// Not thread-safe: one receive thread owns it.
/// </summary>
internal sealed unsafe partial class LinuxBatchReceiver : IDisposable
{
    public const int Batch = 64;

    // Larger than any datagram the gateway accepts (v2 frames are at most 1200 bytes); a longer
    // one arrives truncated with MSG_TRUNC and is counted as too large, as before.
    public const int SlotSize = 2048;

    private const int SockaddrStorage = 128;
    private const int MsgWaitForOne = 0x10000;
    private const int MsgTrunc = 0x20;
    private const int EAgain = 11, EIntr = 4;

    private readonly Socket _socket;
    private readonly byte[] _buffers = GC.AllocateArray<byte>(Batch * SlotSize, pinned: true);
    private readonly byte[] _names = GC.AllocateArray<byte>(Batch * SockaddrStorage, pinned: true);
    private readonly IoVec* _iov = (IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(IoVec)));
    private readonly MMsgHdr* _headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(MMsgHdr)));

    public LinuxBatchReceiver(Socket socket)
    {
        _socket = socket;
        byte* buffers = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffers, 0);
        byte* names = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_names, 0);
        for (int i = 0; i < Batch; i++)
        {
            _iov[i].Base = (nint)(buffers + i * SlotSize);
            _iov[i].Length = SlotSize;
            _headers[i].Header.Name = (nint)(names + i * SockaddrStorage);
            _headers[i].Header.Iov = (nint)(_iov + i);
            _headers[i].Header.IovLength = 1;
        }
    }

    /// <summary>
    /// Blocks until at least one datagram is there (or the socket's receive timeout passes) and
    /// returns how many were read, 0 on a timeout. Read them with <see cref="Datagram"/> and <see cref="CopySource"/>.
    /// </summary>
    public int Receive()
    {
        for (int i = 0; i < Batch; i++)
        {
            _headers[i].Header.NameLength = SockaddrStorage;
            _headers[i].Header.Flags = 0;
        }
        int n = recvmmsg(_socket.Handle, _headers, Batch, MsgWaitForOne, 0);
        if (n >= 0) return n;
        int errno = Marshal.GetLastPInvokeError();
        if (errno is EAgain or EIntr) return 0;
        throw new SocketException(errno);
    }

    public bool Truncated(int index) => (_headers[index].Header.Flags & MsgTrunc) != 0;

    public ReadOnlyMemory<byte> Datagram(int index) => _buffers.AsMemory(index * SlotSize, (int)Math.Min(_headers[index].Length, (uint)SlotSize));

    /// <summary>Writes the sender's address into <paramref name="destination"/> (SocketAddress holds the native sockaddr bytes).</summary>
    public void CopySource(int index, SocketAddress destination)
    {
        int length = (int)_headers[index].Header.NameLength;
        destination.Size = length;
        _names.AsSpan(index * SockaddrStorage, length).CopyTo(destination.Buffer.Span);
    }

    public void Dispose()
    {
        NativeMemory.Free(_iov);
        NativeMemory.Free(_headers);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int recvmmsg(nint socket, MMsgHdr* messages, uint count, int flags, nint timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    // struct msghdr of LP64 Linux (x86-64, arm64); sequential layout adds C's padding.
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public nint Name;
        public uint NameLength;
        public nint Iov;
        public nuint IovLength;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
