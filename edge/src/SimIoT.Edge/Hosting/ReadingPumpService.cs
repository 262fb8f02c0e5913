using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Hosting;

/// <summary>
/// Moves readings from the shared stream to the <see cref="IReadingSink"/> in batches. A sink
/// failure is logged and the batch dropped (counted): a broken card must not stall sampling.
/// </summary>
public sealed class ReadingPumpService(ReadingChannel readings, IReadingSink sink, IOptions<EdgeOptions> options, ILogger<ReadingPumpService> logger) : BackgroundService
{
    private long _failedReadings;

    public long FailedReadings => Interlocked.Read(ref _failedReadings);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int max = Math.Max(1, options.Value.MaxBatch);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<Reading> batch;
            try
            {
                batch = await readings.ReadBatchAsync(max, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (batch.Count == 0) return;
            if (logger.IsEnabled(LogLevel.Debug)) LogHandedOver(batch);
            try
            {
                await sink.SubmitAsync(batch, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Interlocked.Add(ref _failedReadings, batch.Count);
                logger.LogError(e, "Reading sink failed; {Count} readings dropped", batch.Count);
            }
        }
    }

    // One structured line per reading at Debug: what an observer outside the process (the HIL rig
    // running the arm64 agent under qemu) compares with what the cloud stored.
    private void LogHandedOver(IReadOnlyList<Reading> batch)
    {
        foreach (var r in batch)
        {
            logger.LogDebug(HandedOver, "Reading of device {DeviceId} at {Timestamp} [{Values}] handed to the sink", r.DeviceId,
                r.TimestampUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture), string.Join(",", r.Values));
        }
    }

    /// <summary>The event id of the per-reading Debug line, for log readers.</summary>
    public static readonly EventId HandedOver = new(1001, "ReadingHandedOver");
}
