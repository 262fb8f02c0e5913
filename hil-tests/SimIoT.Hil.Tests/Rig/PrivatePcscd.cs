using System.Diagnostics;
using SimIoT.Edge.Tests.Card;

namespace SimIoT.Hil.Tests.Rig;

/// <summary>
/// A real pcscd with the vsmartcard vpcd reader driver for one rig, in its own mount namespace
/// (its socket under /run/pcscd cannot meet the machine's pcscd) and on its own vpcd port (no
/// other run's virtual card lands in its reader). Clients reach it through
/// <c>PCSCLITE_CSOCK_NAME</c> = <see cref="Socket"/>, which libpcsclite of any architecture reads.
/// Needs root (unshare, mount).
/// </summary>
public sealed class PrivatePcscd : IDisposable
{
    private readonly Process _pcscd;
    private readonly string _configDir;

    private PrivatePcscd(Process pcscd, string configDir, int port)
    {
        _pcscd = pcscd;
        _configDir = configDir;
        VpcdPort = port;
    }

    /// <summary>The TCP port the card host connects to.</summary>
    public int VpcdPort { get; }

    /// <summary>The reader the card shows up in (first vpcd slot).</summary>
    public const string ReaderName = "SimIoT HIL PCD 00 00";

    /// <summary>pcscd's socket as seen from outside its namespace.</summary>
    public string Socket => PrivatePcscdLaunch.SocketOf(_pcscd.Id);

    public static async Task<PrivatePcscd> StartAsync()
    {
        if (!File.Exists(PrivatePcscdLaunch.VpcdDriver)) throw new InvalidOperationException($"{PrivatePcscdLaunch.VpcdDriver} is missing: install vsmartcard-vpcd (scripts/apt-packages.txt)");
        var configDir = Directory.CreateTempSubdirectory("simiot-hil-pcscd-").FullName;
        int port = VpcdPorts.FreePair();
        PrivatePcscdLaunch.WriteVpcdConfig(configDir, "SimIoT HIL PCD", port);
        var process = Process.Start(PrivatePcscdLaunch.StartInfo(configDir))!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pcscd = new PrivatePcscd(process, configDir, port);
        var deadline = Stopwatch.StartNew();
        // pcscd makes its socket, then its vpcd driver listens for the card host.
        while (!(File.Exists(pcscd.Socket) && Listening(port)))
        {
            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                string why = process.HasExited ? $"exited with {process.ExitCode}" : "made no socket or vpcd listener in 20 s";
                pcscd.Dispose();
                throw new InvalidOperationException($"private pcscd {why} (needs root for unshare/mount): {string.Join(" | ", output)}");
            }
            await Task.Delay(50);
        }
        return pcscd;
    }

    public void Dispose()
    {
        if (!_pcscd.HasExited) _pcscd.Kill();
        _pcscd.WaitForExit(5000);
        _pcscd.Dispose();
        try { Directory.Delete(_configDir, recursive: true); } catch (IOException) { }
    }

    // Read off /proc/net/tcp{,6} rather than by connecting: vpcd takes any connection for a card.
    private static bool Listening(int port)
    {
        string local = $":{port:X4} ";
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length > 3 && (f[1] + " ").EndsWith(local, StringComparison.Ordinal) && f[3] == "0A");
    }
}
