using System.Diagnostics;
using System.Net;
using SimIoT.Edge.Card;
using SimIoT.Edge.Card.Vpcd;

namespace SimIoT.Edge.Sim.Tests;

/// <summary>
/// The real SimIoT applet, run by its JVM card host (applet/) and plugged into the edge's
/// own vpcd server: the same bytes a physical card would see, without pcscd.
/// </summary>
public sealed class AppletCardHost : IDisposable
{
    private static readonly Lazy<string> Jar = new(Build);
    private readonly Process _java;
    private readonly VpcdServer _vpcd;
    private readonly string _stderr = Path.GetTempFileName();

    public AppletCardHost(string stateFile)
    {
        _vpcd = new VpcdServer(IPAddress.Loopback, 0) { CardWaitTimeout = TimeSpan.FromSeconds(30) };
        _java = StartJava(stateFile, _vpcd.Port, _stderr);
        if (!_vpcd.WaitForCard(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"the card host did not connect to vpcd on port {_vpcd.Port}: {File.ReadAllText(_stderr)}");
        Channel = new CardChannel(_vpcd);
    }

    public ICardChannel Channel { get; }

    /// <summary>Starts the card host as a vicc that connects to a vpcd server on <paramref name="port"/> (the agent's, say).</summary>
    /// <param name="cardOptions">more card host options, e.g. <c>--protocol t0</c> or <c>--apdu-delay-ms 20</c>.</param>
    public static Process StartJava(string stateFile, int port, string? stderrFile = null, IEnumerable<string>? cardOptions = null)
    {
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-jar", Jar.Value, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state", stateFile })
            start.ArgumentList.Add(a);
        foreach (var a in cardOptions ?? [])
            start.ArgumentList.Add(a);
        var java = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
        java.ErrorDataReceived += (_, e) => { if (e.Data is not null && stderrFile is not null) File.AppendAllText(stderrFile, e.Data + "\n"); };
        java.OutputDataReceived += (_, _) => { };
        java.BeginErrorReadLine();
        java.BeginOutputReadLine();
        return java;
    }

    /// <summary>applet/build/card-host.jar, built first when older than the applet sources.</summary>
    public static string CardHostJar => Jar.Value;

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "simiot"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root (with ./simiot) not found above " + AppContext.BaseDirectory);
        }
    }

    public void Dispose()
    {
        if (!_java.HasExited) _java.Kill(entireProcessTree: true);
        _java.WaitForExit(10_000);
        _java.Dispose();
        Channel.Dispose();
        File.Delete(_stderr);
    }

    // The applet build is plain javac (applet/build.sh); it needs Debian's openjdk-17-jdk-headless.
    // Several test assemblies run at once, so one builds while the others wait, and a jar newer
    // than every applet source is used as it is.
    private static string Build()
    {
        var root = RepositoryRoot;
        var jar = Path.Combine(root, "applet", "build", "card-host.jar");
        using var buildLock = Lock(Path.Combine(Path.GetTempPath(), "simiot-applet-build.lock"));
        var newest = new[] { "src", "jcruntime", "host" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, "applet", d), "*.java", SearchOption.AllDirectories))
            .Max(File.GetLastWriteTimeUtc);
        if (File.Exists(jar) && File.GetLastWriteTimeUtc(jar) > newest) return jar;

        var build = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        build.ArgumentList.Add("applet/build.sh");
        build.ArgumentList.Add("--no-tests");
        using var process = Process.Start(build) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000) || process.ExitCode != 0)
            throw new InvalidOperationException($"applet/build.sh failed (is openjdk-17-jdk-headless installed?): {output.Result}{error.Result}");
        return jar;
    }

    private static FileStream Lock(string path)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (watch.Elapsed < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(100);
            }
        }
    }
}
