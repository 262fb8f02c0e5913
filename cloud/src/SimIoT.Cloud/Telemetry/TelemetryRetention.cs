using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Telemetry;

/// <summary>
/// The retention job: every <see cref="RetentionOptions.Interval"/> one pass rolls up and deletes
/// what has expired, tier by tier, in batches of <see cref="RetentionOptions.BatchSize"/> rows. Each
/// batch is its own short transaction, so the sink's writes go in between and ingest never waits
/// for more than one batch. Several API replicas may run it on one PostgreSQL (batches skip rows
/// another replica holds).
/// </summary>
public sealed partial class TelemetryRetention(
    ITelemetryRetention store, IOptions<RetentionOptions> options, TimeProvider time, ILogger<TelemetryRetention> logger) : BackgroundService
{
    private readonly RetentionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return;
        await Task.Yield(); // a long first pass must not hold up the host's start (the SQLite store's calls complete synchronously)
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (pass.Rows > 0) LogPass(pass.RawRows, pass.MinuteRows, pass.HourRows, pass.Elapsed.TotalSeconds);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(ex); // the next pass tries again: nothing is lost, a batch either commits or not
            }
            await Task.Delay(_options.Interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One pass at the provider's present time: every tier until nothing in reach has expired.</summary>
    public async Task<RetentionPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var started = Stopwatch.GetTimestamp();
        var raw = RawCutoffs.At(now, _options);
        int batch = _options.BatchSize;
        long rawRows = await DrainAsync(() => store.ExpireRawAsync(raw, batch, cancellationToken)).ConfigureAwait(false);
        long minuteRows = await DrainAsync(() => store.ExpireMinutesAsync(now - _options.Minutes, batch, cancellationToken)).ConfigureAwait(false);
        long hourRows = await DrainAsync(() => store.ExpireHoursAsync(now - _options.Hours, batch, cancellationToken)).ConfigureAwait(false);
        return new RetentionPass(rawRows, minuteRows, hourRows, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<long> DrainAsync(Func<Task<int>> step)
    {
        long total = 0;
        for (int removed; (removed = await step().ConfigureAwait(false)) > 0;) total += removed;
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: rolled up and deleted {Raw} raw readings, {Minutes} minute and {Hours} hour roll-ups in {Seconds:F1} s")]
    private partial void LogPass(long raw, long minutes, long hours, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention pass failed; the next pass tries again")]
    private partial void LogFailed(Exception exception);
}
