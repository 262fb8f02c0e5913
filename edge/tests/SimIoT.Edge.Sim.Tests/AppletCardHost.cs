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
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-jar", Jar.Value, "--host", "127.0.0.1", "--port", _vpcd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state", stateFile })
            start.ArgumentList.Add(a);
        _java = Process.Start(start) ?? throw new InvalidOperationException("java did not start");
        _java.ErrorDataReceived += (_, e) => { if (e.Data is not null) File.AppendAllText(_stderr, e.Data + "\n"); };
        _java.OutputDataReceived += (_, _) => { };
        _java.BeginErrorReadLine();
        _java.BeginOutputReadLine();
        if (!_vpcd.WaitForCard(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"the card host did not connect to vpcd on port {_vpcd.Port}: {File.ReadAllText(_stderr)}");
        Channel = new CardChannel(_vpcd);
    }

    public ICardChannel Channel { get; }

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
    private static string Build()
    {
        var root = RepositoryRoot;
        var build = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        build.ArgumentList.Add("applet/build.sh");
        build.ArgumentList.Add("--no-tests");
        using var process = Process.Start(build) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000) || process.ExitCode != 0)
            throw new InvalidOperationException($"applet/build.sh failed (is openjdk-17-jdk-headless installed?): {output.Result}{error.Result}");
        return Path.Combine(root, "applet", "build", "card-host.jar");
    }
}
