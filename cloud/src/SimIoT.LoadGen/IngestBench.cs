using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SimIoT.LoadGen;

/// <summary>
/// The ingest bench's measuring side: runs the load (every datagram also mirrored to the bare
/// receiver), and over a window after a warm-up reads each process's CPU time (utime + stime in
/// /proc/&lt;pid&gt;/stat) and how many datagrams each took, then prints CPU per datagram of both and
/// their ratio, last. The bare receiver's count is its own. The cloud's is the smaller of the datagrams
/// its gateway accepted and the readings (one per datagram) its store made durable in the window: while
/// the store falls behind, what the gateway accepts is not finished, and while it catches up, the CPU
/// goes to datagrams accepted before the window; either way the figure is the cost of a whole datagram.
/// </summary>
public sealed class IngestBench(LoadOptions load, int cloudPid, int barePid, TimeSpan warmup, TimeSpan window, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = load.Api, Timeout = TimeSpan.FromSeconds(10) };
        var run = new LoadRun(load with { Duration = warmup + window + TimeSpan.FromSeconds(1) }, output);
        var running = run.RunAsync(cancellationToken);
        await Task.WhenAny(run.Sending, running).ConfigureAwait(false);
        if (running.IsCompleted) return await running.ConfigureAwait(false);
        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        var before = await SampleAsync(http).ConfigureAwait(false);
        await Task.Delay(window, cancellationToken).ConfigureAwait(false);
        var after = await SampleAsync(http).ConfigureAwait(false);
        int code = await running.ConfigureAwait(false);
        if (code != 0) return code;

        var counts = after.Cloud - before.Cloud;
        long bare = after.Bare - before.Bare, cloud = Math.Min(counts.Accepted, counts.Stored);
        if (bare <= 0 || cloud <= 0)
        {
            output.WriteLine($"bench: no datagrams in the window (bare receiver {bare}, cloud {cloud})");
            return 1;
        }
        double bareMicros = (after.BareCpu - before.BareCpu).TotalMicroseconds / bare;
        double cloudMicros = (after.CloudCpu - before.CloudCpu).TotalMicroseconds / cloud;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare receiver: {bare} datagrams in {window.TotalSeconds:0.#} s, {(after.BareCpu - before.BareCpu).TotalSeconds:0.00} s CPU = {bareMicros:0.00} µs/datagram"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cloud: {counts.Accepted} datagrams accepted, {counts.Stored} stored, {counts.Shed} shed in {window.TotalSeconds:0.#} s, {(after.CloudCpu - before.CloudCpu).TotalSeconds:0.00} s CPU = {cloudMicros:0.00} µs/datagram (of {cloud})"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio: {cloudMicros / bareMicros:0.00}"));
        return 0;
    }

    private async Task<Sample> SampleAsync(HttpClient http)
    {
        var cloud = await GatewayMetrics.IngestAsync(http).ConfigureAwait(false);
        return new Sample(ProcessCpu(cloudPid), cloud, ProcessCpu(barePid), await BareCountAsync().ConfigureAwait(false));
    }

    /// <summary>utime + stime of a process (fields 14 and 15 of /proc/&lt;pid&gt;/stat, after the command name).</summary>
    public static TimeSpan ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / UserHz);
    }

    private async Task<long> BareCountAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(load.Mirror!);
        var reply = new byte[8];
        for (int attempt = 0; ; attempt++)
        {
            await socket.SendAsync(new[] { (byte)'?' }, SocketFlags.None).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                int n = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 8) return BinaryPrimitives.ReadInt64LittleEndian(reply);
            }
            catch (OperationCanceledException) when (attempt < 5)
            {
            }
        }
    }

    // USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture .NET runs on.
    private const int UserHz = 100;

    private readonly record struct Sample(TimeSpan CloudCpu, IngestCounts Cloud, TimeSpan BareCpu, long Bare);
}
