using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SimIoT.Edge.Readings;

namespace SimIoT.Hil.Tests.Rig;

/// <summary>
/// The edge agent as its own process: a published <c>simiot-edge run</c> (the linux-arm64 build
/// under qemu-aarch64-static). The rig cannot tap it in-process, so it reads the agent's structured
/// log (JSON console lines on stdout): every reading the pump hands to the card (event 1001 at
/// Debug) goes into <see cref="Sampled"/>, the same queue the in-process tap fills.
/// </summary>
public sealed class EdgeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ConcurrentQueue<Reading> _sampled;
    private readonly Task _stdout;
    private readonly Task _stderr;

    private EdgeProcess(Process process, string logPath, ConcurrentQueue<Reading> sampled)
    {
        _process = process;
        _sampled = sampled;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _stdout = Task.Run(() => PumpAsync(process.StandardOutput, parse: true));
        _stderr = Task.Run(() => PumpAsync(process.StandardError, parse: false));
    }

    public string LogPath => ((FileStream)_log.BaseStream).Name;

    public bool HasExited => _process.HasExited;

    /// <summary>Error and critical lines the agent logged (a failed background service, a crash).</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>
    /// Starts <paramref name="executable"/> (an arm64 ELF is run through qemu-aarch64-static) with
    /// <c>run --emulate</c> and the configuration overrides in <paramref name="args"/>.
    /// </summary>
    public static EdgeProcess Start(string executable, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath, ConcurrentQueue<Reading> sampled, bool emulate)
    {
        if (!File.Exists(executable)) throw new FileNotFoundException($"the published agent is missing: {executable}", executable);
        var start = new ProcessStartInfo(IsArm64Elf(executable) && !OperatingSystemIsArm64 ? "qemu-aarch64-static" : executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(executable)!,
        };
        if (start.FileName != executable) start.ArgumentList.Add(executable);
        start.ArgumentList.Add("run");
        if (emulate) start.ArgumentList.Add("--emulate");
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var a in (string[])["--Logging:Console:FormatterName=json", $"--Logging:LogLevel:{typeof(SimIoT.Edge.Hosting.ReadingPumpService).FullName}=Debug"])
            start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        return new EdgeProcess(Process.Start(start)!, logPath, sampled);
    }

    /// <summary>Stops the agent as systemd would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                Errors.Enqueue("the agent did not exit within 30 s of SIGTERM (killed)");
                await _process.WaitForExitAsync();
            }
        }
        await Task.WhenAll(_stdout, _stderr);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private async Task PumpAsync(StreamReader reader, bool parse)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_log) _log.WriteLine(line);
            if (!parse) continue;
            try
            {
                Parse(line);
            }
            catch (JsonException)
            {
                // Not a log line (the host's own output): kept in the log file only.
            }
        }
    }

    private void Parse(string line)
    {
        if (!line.StartsWith('{')) return;
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        string level = root.TryGetProperty("LogLevel", out var l) ? l.GetString() ?? "" : "";
        if (level is "Error" or "Critical") Errors.Enqueue(line);
        if (!root.TryGetProperty("EventId", out var id) || id.GetInt32() != SimIoT.Edge.Hosting.ReadingPumpService.HandedOver.Id) return;
        var state = root.GetProperty("State");
        var values = state.GetProperty("Values").GetString()!;
        _sampled.Enqueue(new Reading(
            uint.Parse(Text(state.GetProperty("DeviceId")), CultureInfo.InvariantCulture),
            DateTime.Parse(state.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            values.Length == 0 ? [] : values.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            "arm64-agent-log"));
    }

    // The JSON formatter writes numbers as numbers and everything else as text.
    private static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private static bool OperatingSystemIsArm64 => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64;

    /// <summary>ELF magic and e_machine 0xB7 (AArch64).</summary>
    public static bool IsArm64Elf(string path)
    {
        Span<byte> head = stackalloc byte[20];
        using var file = File.OpenRead(path);
        return file.Read(head) == 20 && head[..4].SequenceEqual("\u007fELF"u8) && head[18] == 0xB7 && head[19] == 0;
    }
}
