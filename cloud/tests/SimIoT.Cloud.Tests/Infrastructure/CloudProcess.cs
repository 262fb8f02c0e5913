using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SimIoT.LoadGen;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>The simiot-cloud program in a process of its own, as ./simiot cloud runs it.</summary>
public sealed class CloudProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private CloudProcess(Process process) => _process = process;

    public HttpClient Http { get; private set; } = null!;

    public IPEndPoint Udp { get; private set; } = null!;

    public static Task<CloudProcess> StartAsync(string data, params string[] settings) => StartRoleAsync(null, data, settings);

    /// <param name="role">"gateway" or "api" (which has no UDP socket), or null for the whole cloud.</param>
    public static async Task<CloudProcess> StartRoleAsync(string? role, string data, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "simiot-cloud.dll"));
        if (role is not null) start.ArgumentList.Add(role);
        // An OS-chosen UDP port unless the settings name one (gateways sharing a port).
        string[] osPort = settings.Contains("--udp-port") ? [] : ["--udp-port", "0"];
        foreach (var a in (string[])["--http-port", "0", .. osPort, "--udp-address", "127.0.0.1", "--data", data, "--init"]) start.ArgumentList.Add(a);
        foreach (var s in settings) start.ArgumentList.Add(s);
        // "Now listening on" is this category's line; a test's bin folder may hold an appsettings.json
        // that silences it (the HIL rig's has the edge agent's).
        foreach (var a in (string[])["--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"]) start.ArgumentList.Add(a);
        var cloud = new CloudProcess(Process.Start(start)!);
        var udp = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var http = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cloud._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            cloud._output.Enqueue(e.Data);
            if (Regex.Match(e.Data, @"listening on udp [\d.]+:(\d+)") is { Success: true } u) udp.TrySetResult(int.Parse(u.Groups[1].Value));
            if (Regex.Match(e.Data, @"Now listening on: (http://\S+)") is { Success: true } h) http.TrySetResult(h.Groups[1].Value);
        };
        cloud._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) cloud._output.Enqueue(e.Data); };
        cloud._process.BeginOutputReadLine();
        cloud._process.BeginErrorReadLine();
        try
        {
            cloud.Http = new HttpClient { BaseAddress = new Uri(await http.Task.WaitAsync(TimeSpan.FromSeconds(60))) };
            if (role != "api") cloud.Udp = new IPEndPoint(IPAddress.Loopback, await udp.Task.WaitAsync(TimeSpan.FromSeconds(30)));
            return cloud;
        }
        catch (TimeoutException)
        {
            // Never leave it behind: it would hold what the test run holds (the pcscd lock's descriptor among them).
            cloud._process.Kill(entireProcessTree: true);
            cloud._process.WaitForExit();
            throw new TimeoutException($"simiot-cloud {role} did not report its addresses in time:\n{cloud.Output}");
        }
    }

    /// <summary>
    /// Sends the frames from a fresh socket until the gateway has accepted that many more,
    /// sending them again each second as the edge would: a modem registered through the API
    /// reaches the gateway a moment later, and its first frames are dropped as unknown.
    /// </summary>
    public async Task SendAllAsync(byte[][] frames, int expectedAccepted)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        long before = await GatewayMetrics.AcceptedAsync(Http);
        await WaitForAcceptedAsync(before + expectedAccepted, () => { foreach (var frame in frames) socket.SendTo(frame, Udp); });
    }

    /// <summary>Waits until the gateway's accepted counter reaches <paramref name="total"/>, calling <paramref name="resend"/> each second.</summary>
    public async Task WaitForAcceptedAsync(long total, Action? resend)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var next = DateTime.MinValue;
        while (await GatewayMetrics.AcceptedAsync(Http) < total)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the gateway did not accept {total} datagrams in all:\n{Output}");
            if (resend is not null && DateTime.UtcNow >= next)
            {
                resend();
                next = DateTime.UtcNow.AddSeconds(1);
            }
            await Task.Delay(100);
        }
    }

    public void Crash()
    {
        Assert.Equal(0, Kill(_process.Id, 9));
        _process.WaitForExit();
    }

    public void Stop()
    {
        Assert.Equal(0, Kill(_process.Id, 15));
        Assert.True(_process.WaitForExit(30_000), "the cloud did not stop within 30 s of SIGTERM");
        _process.WaitForExit(); // flushes the redirected output
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>Polls /readyz until it answers 200.</summary>
    public async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync("/readyz");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, $"/readyz did not answer 200 within 60 s:\n{Output}");
            await Task.Delay(20);
        }
    }

    public string Output => string.Join("\n", _output);

    /// <summary>Runs simiot-cloud with these arguments to completion; its stdout, trimmed (the test fails on a non-zero exit).</summary>
    public static async Task<string> CliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "simiot-cloud.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"simiot-cloud {string.Join(' ', args)}: exit {process.ExitCode}\n{await stderr}");
        return (await stdout).Trim();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
