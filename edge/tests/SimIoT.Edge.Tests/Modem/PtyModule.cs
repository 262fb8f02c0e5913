using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace SimIoT.Edge.Tests.Modem;

/// <summary>
/// A cellular module at the byte level, behind a real pseudo-terminal: the agent opens the pty's
/// slave as its serial port (System.IO.Ports, as on the Pi), and this side reads the CR-terminated
/// commands from the master, echoes them like a module in its default ATE1 mode, and answers with
/// what <see cref="Answer"/> returns, each line framed by CR LF (ITU-T V.250).
/// </summary>
internal sealed partial class PtyModule : IDisposable
{
    private const int ORdwr = 2, ONoctty = 0x100, PollIn = 1;
    private readonly int _master;
    private readonly int _slaveHold;
    private readonly Thread _thread;
    private volatile bool _stopped;

    public PtyModule(Func<string, IEnumerable<string>?> answer)
    {
        Answer = answer;
        _master = posix_openpt(ORdwr | ONoctty);
        if (_master < 0 || grantpt(_master) != 0 || unlockpt(_master) != 0) throw new IOException($"no pseudo-terminal (errno {Marshal.GetLastPInvokeError()})");
        var name = new byte[128];
        if (ptsname_r(_master, name, name.Length) != 0) throw new IOException("ptsname_r failed");
        PortName = Encoding.ASCII.GetString(name, 0, Array.IndexOf(name, (byte)0));
        // Kept open so reading the master never sees the hang-up of a slave nobody holds yet.
        _slaveHold = open(PortName, ORdwr | ONoctty);
        _thread = new Thread(Run) { IsBackground = true, Name = "pty module" };
        _thread.Start();
    }

    public string PortName { get; }

    /// <summary>Lines to answer a command with (for example ["OK"]); null to stay silent.</summary>
    public Func<string, IEnumerable<string>?> Answer { get; set; }

    public ConcurrentQueue<string> Commands { get; } = new();

    private void Run()
    {
        var buffer = new byte[256];
        var line = new StringBuilder();
        var fds = new PollFd[] { new() { Fd = _master, Events = PollIn } };
        while (!_stopped)
        {
            if (poll(fds, 1, 50) <= 0) continue;
            nint n = read(_master, buffer, buffer.Length);
            if (n <= 0) continue;
            for (int i = 0; i < n; i++)
            {
                char c = (char)buffer[i];
                if (c != '\r') { line.Append(c); continue; }
                string command = line.ToString();
                line.Clear();
                Commands.Enqueue(command);
                var reply = new StringBuilder(command).Append('\r'); // echo
                if (Answer(command) is { } lines)
                    foreach (var l in lines) reply.Append("\r\n").Append(l).Append("\r\n");
                var bytes = Encoding.ASCII.GetBytes(reply.ToString());
                _ = write(_master, bytes, bytes.Length);
            }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
        _ = close(_slaveHold);
        _ = close(_master);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_openpt(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int grantpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlockpt(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ptsname_r(int fd, [Out] byte[] buf, nint buflen);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll([In, Out] PollFd[] fds, nuint nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, [Out] byte[] buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte[] buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
