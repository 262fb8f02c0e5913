using System.Diagnostics;
using SimIoT.Edge.Card.Pcsc;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// Makes sure the real pcscd is running with the vsmartcard vpcd reader driver, starting it when
/// it is not (as root: plain <c>pcscd</c> daemonises without systemd). Fails, never skips, when it
/// cannot: these tests are the evidence that the binding works against the real library.
/// The tests use vpcd slot 1 (TCP 35964, reader "Virtual PCD 00 01") so that the card host of the
/// demo or of other suites can keep slot 0; SIMIOT_TEST_VPCD_SLOT overrides.
/// </summary>
public sealed class PcscdFixture
{
    public PcscdFixture()
    {
        Slot = int.TryParse(Environment.GetEnvironmentVariable("SIMIOT_TEST_VPCD_SLOT"), out int slot) ? slot : 1;
        Port = 35963 + Slot;
        ReaderName = $"Virtual PCD 00 {Slot:00}";
        string? problem = TryReaders(out _);
        if (problem is not null)
        {
            StartPcscd(problem);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((problem = TryReaders(out _)) is not null && DateTime.UtcNow < deadline) Thread.Sleep(200);
            if (problem is not null) throw new InvalidOperationException($"pcscd started but the vpcd reader '{ReaderName}' did not appear: {problem}");
        }
    }

    public int Slot { get; }

    public int Port { get; }

    public string ReaderName { get; }

    private string? TryReaders(out IReadOnlyList<string> readers)
    {
        readers = [];
        try
        {
            using var context = PcscContext.Establish();
            readers = context.ListReaders();
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

    private static void StartPcscd(string why)
    {
        string pcscd = File.Exists("/usr/sbin/pcscd") ? "/usr/sbin/pcscd" : "pcscd";
        if (!File.Exists("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"))
        {
            throw new InvalidOperationException("the vpcd reader driver is missing: install vsmartcard-vpcd (scripts/apt-packages.txt)");
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(pcscd) { UseShellExecute = false, RedirectStandardError = true })!;
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
}
