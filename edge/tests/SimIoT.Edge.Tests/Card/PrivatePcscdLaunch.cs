using System.Diagnostics;

namespace SimIoT.Edge.Tests.Card;

/// <summary>
/// How a private pcscd is started, written once for <see cref="PcscdFixture"/> and the HIL rig's
/// PrivatePcscd (linked there): its own vpcd reader config, and pcscd in its own mount namespace so
/// its socket under /run/pcscd cannot meet the machine's pcscd. Needs root (unshare, mount).
/// </summary>
public static class PrivatePcscdLaunch
{
    public const string VpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";

    /// <summary>Writes the reader config pcscd reads from <paramref name="configDir"/>: vpcd on <paramref name="port"/> (and the next), readers named "<paramref name="friendlyName"/> 00 0N".</summary>
    public static void WriteVpcdConfig(string configDir, string friendlyName, int port) =>
        File.WriteAllText(Path.Combine(configDir, "vpcd"),
            $"FRIENDLYNAME \"{friendlyName}\"\nDEVICENAME /dev/null:0x{port:X4}\nLIBPATH {VpcdDriver}\nCHANNELID 0x{port:X4}\n");

    /// <summary>
    /// unshare execs sh which execs pcscd: the process started is pcscd itself. --auto-exit is the
    /// safety net should the test host die without stopping it. Output is redirected: read it.
    /// </summary>
    public static ProcessStartInfo StartInfo(string configDir) =>
        new("unshare", ["--mount", "--propagation", "private", "sh", "-c",
            $"mkdir -p /run/pcscd && mount -t tmpfs simiot-pcscd /run/pcscd && exec pcscd --foreground --auto-exit -c '{configDir}'"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

    /// <summary>pcscd's socket as seen from outside its namespace (for PCSCLITE_CSOCK_NAME).</summary>
    public static string SocketOf(int pid) => $"/proc/{pid}/root/run/pcscd/pcscd.comm";
}
