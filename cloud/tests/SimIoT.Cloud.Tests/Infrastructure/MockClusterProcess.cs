using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// librdkafka's mock cluster in a process of its own (simiot-cloud api --kafka mock hosts one),
/// so a test can make the cluster stop answering (SIGSTOP) and come back (SIGCONT) under a
/// cloud that only knows its address. Its own consumers use a separate group prefix.
/// </summary>
public sealed partial class MockClusterProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _data;

    private MockClusterProcess(Process process, string data, string bootstrap)
    {
        _process = process;
        _data = data;
        BootstrapServers = bootstrap;
    }

    public string BootstrapServers { get; }

    public static async Task<MockClusterProcess> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("simiot-mock-cluster").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "simiot-cloud.dll"), "api", "--kafka", "mock", "--http-port", "0", "--data", data, "--init", "--Bus:GroupPrefix", "mock-host" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Address().Match(e.Data) is { Success: true } m) found.TrySetResult(m.Groups[1].Value);
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bootstrap = await found.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new MockClusterProcess(process, data, bootstrap);
    }

    /// <summary>The cluster stops answering: its sockets stay open, nothing comes back.</summary>
    public void Freeze() => Assert.Equal(0, Kill(_process.Id, 19));

    public void Thaw() => Assert.Equal(0, Kill(_process.Id, 18));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill(_process.Id, 18);
            _process.Kill(true);
            _process.WaitForExit();
        }
        _process.Dispose();
        try { Directory.Delete(_data, true); } catch (IOException) { }
    }

    [GeneratedRegex(@"mock cluster \(in-process, not durable\) at (\S+)")]
    private static partial Regex Address();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
