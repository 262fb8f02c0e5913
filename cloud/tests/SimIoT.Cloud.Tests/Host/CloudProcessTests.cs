using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Tests.Host;

/// <summary>The simiot-cloud program itself, as ./simiot cloud runs it: options, signals, exit code.</summary>
public class CloudProcessTests
{
    [Fact]
    public async Task Sigterm_stops_the_cloud_cleanly_with_exit_0_after_storing_what_it_received()
    {
        var data = Directory.CreateTempSubdirectory("simiot-process").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "simiot-cloud.dll"), "--http-port", "0", "--udp-port", "0", "--udp-address", "127.0.0.1", "--data", data, "--legacy-v1" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var udpPort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            var m = Regex.Match(e.Data, @"listening on udp [\d.]+:(\d+)");
            if (m.Success) udpPort.TrySetResult(int.Parse(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            int port = await udpPort.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var seedModem = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var t0 = DateTime.UtcNow;
            for (int i = 0; i < 300; i++)
                seedModem.SendTo(V1Packet.IotData(3, t0.AddMilliseconds(i), TelemetryValues.Encode(i)).ToArray(), new IPEndPoint(IPAddress.Loopback, port));
            await Task.Delay(300);

            Assert.Equal(0, Kill(process.Id, 15));
            Assert.True(process.WaitForExit(30_000), "the cloud did not stop within 30 s of SIGTERM");
            process.WaitForExit(); // flushes the redirected output
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{string.Join("\n", output)}");
            Assert.Contains(output, l => l.Contains("Application is shutting down", StringComparison.Ordinal));

            using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "simiot.db")};Pooling=False");
            db.Open();
            using var count = db.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM telemetry";
            Assert.Equal(300L, (long)count.ExecuteScalar()!);
        }
        finally
        {
            if (!process.HasExited) process.Kill(true);
            Directory.Delete(data, true);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
