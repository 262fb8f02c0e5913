using System.Diagnostics;
using System.Runtime.InteropServices;
using SimIoT.Edge.Card.Pcsc;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// A real pcscd with the vsmartcard vpcd reader driver for the PC/SC tests.
///
/// Preferred: a private pcscd started by the fixture (as root) in its own mount namespace, so its
/// socket and pid file (fixed paths under /run/pcscd in Debian's build) cannot collide with the
/// machine's pcscd, and with its own vpcd ports, so no other suite's virtual card can land in our
/// reader. The client library is pointed at it with PCSCLITE_CSOCK_NAME (through
/// /proc/PID/root). If namespaces are not available, or SIMIOT_TEST_PCSCD=system, the machine's
/// pcscd is used, started with plain <c>pcscd</c> when it is not running, and slot
/// SIMIOT_TEST_VPCD_SLOT (default 1, TCP 35964). Fails, never skips, when neither works.
/// </summary>
public sealed partial class PcscdFixture : IDisposable
{
    private readonly Process? _private;
    private readonly string? _configDir;

    public PcscdFixture()
    {
        if (!File.Exists(PrivatePcscdLaunch.VpcdDriver)) throw new InvalidOperationException($"{PrivatePcscdLaunch.VpcdDriver} is missing: install vsmartcard-vpcd (scripts/apt-packages.txt)");
        string? whyNotPrivate = Environment.GetEnvironmentVariable("SIMIOT_TEST_PCSCD") == "system" ? "SIMIOT_TEST_PCSCD=system" : null;
        if (whyNotPrivate is null)
        {
            _configDir = Directory.CreateTempSubdirectory("simiot-pcscd-").FullName;
            Port = VpcdPorts.FreePair();
            ReaderName = "SimIoT Test PCD 00 00";
            PrivatePcscdLaunch.WriteVpcdConfig(_configDir, "SimIoT Test PCD", Port);
            _private = TryStartPrivate(_configDir, out whyNotPrivate);
        }

        if (_private is null)
        {
            int slot = int.TryParse(Environment.GetEnvironmentVariable("SIMIOT_TEST_VPCD_SLOT"), out int s) ? s : 1;
            Port = 35963 + slot;
            ReaderName = $"Virtual PCD 00 {slot:00}";
            Mode = $"the machine's pcscd, vpcd slot {slot} (private instance not possible: {whyNotPrivate})";
            if (TryReaders() is string problem)
            {
                StartSystemPcscd(problem);
                WaitForReader();
            }
        }
        else
        {
            Mode = $"private pcscd (pid {_private.Id}), vpcd on TCP {Port}";
        }
    }

    public int Port { get; }

    public string ReaderName { get; } = "";

    /// <summary>Which pcscd the tests run against, for failure messages.</summary>
    public string Mode { get; }

    /// <summary>
    /// Waits until pcscd has seen the previous test's card go (it polls vpcd), then plugs a new
    /// virtual card in: a test never starts on the ghost of the one before.
    /// </summary>
    public VirtualCard Insert(Func<byte[], byte[]> handler)
    {
        WaitForEmpty();
        return VirtualCard.Insert(Port, handler);
    }

    public void WaitForEmpty()
    {
        using var context = PcscContext.Establish();
        var state = context.WaitForChange(ReaderName, null, TimeSpan.Zero)!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (state.CardPresent)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{ReaderName} still shows a card ({Mode})");
            state = context.WaitForChange(ReaderName, state, left) ?? state;
        }
    }

    public void Dispose()
    {
        if (_private is not null)
        {
            if (!_private.HasExited) _private.Kill();
            _private.WaitForExit(5000);
            _private.Dispose();
        }

        if (_configDir is not null) Directory.Delete(_configDir, recursive: true);
    }

    private Process? TryStartPrivate(string configDir, out string? why)
    {
        why = null;
        if (Environment.UserName != "root")
        {
            why = "not root";
            return null;
        }

        Process process;
        try
        {
            process = Process.Start(PrivatePcscdLaunch.StartInfo(configDir))!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            why = "unshare: " + e.Message;
            return null;
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string socket = PrivatePcscdLaunch.SocketOf(process.Id);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(socket) && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(50);
        if (process.HasExited || !File.Exists(socket))
        {
            why = process.HasExited ? $"unshare/pcscd exited with {process.ExitCode}" : "pcscd made no socket";
            if (!process.HasExited) process.Kill();
            process.Dispose();
            return null;
        }

        // .NET keeps its own copy of the environment on Unix; libpcsclite reads the C one.
        if (SetEnv("PCSCLITE_CSOCK_NAME", socket, 1) != 0) throw new InvalidOperationException("setenv failed");
        WaitForReader();
        return process;
    }

    private void WaitForReader()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? problem;
        while ((problem = TryReaders()) is not null && DateTime.UtcNow < deadline) Thread.Sleep(100);
        if (problem is not null) throw new InvalidOperationException($"pcscd runs but the vpcd reader '{ReaderName}' did not appear: {problem}");
    }

    private string? TryReaders()
    {
        try
        {
            using var context = PcscContext.Establish();
            var readers = context.ListReaders();
            return readers.Contains(ReaderName) ? null : $"readers are [{string.Join(", ", readers)}]";
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException("libpcsclite.so.1 is missing: install the Debian packages in scripts/apt-packages.txt (libpcsclite1, pcscd, vsmartcard-vpcd)", e);
        }
        catch (PcscException e)
        {
            return e.Message;
        }
    }

    private static void StartSystemPcscd(string why)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pcscd") { UseShellExecute = false, RedirectStandardError = true })!;
            process.WaitForExit(10_000);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pcscd is not usable ({why}) and starting it failed with exit code {process.ExitCode}: {process.StandardError.ReadToEnd()} (it must run as root)");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"pcscd is not usable ({why}) and could not be started: {e.Message}; install pcscd (scripts/apt-packages.txt)", e);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
