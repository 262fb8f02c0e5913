using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Telemetry;

/// <summary>
/// Consumes the telemetry topics into the store in batches (one transaction per batch). The
/// handler only enqueues, so the bus never waits on the disk. A batch is durable once its
/// transaction commits, and only then are its receipts told (the gateway acks on them). A failed
/// write is retried with backoff, never skipped; while it fails, or while the backlog is over
/// <see cref="StoreOptions.MaxPendingPoints"/>, the gateway sheds new frames.
/// </summary>
public sealed class TelemetrySink(
    ITelemetryStore store,
    DeviceCatalog catalog,
    Backpressure backpressure,
    CloudMetrics metrics,
    IOptions<StoreOptions> options,
    ILogger<TelemetrySink> logger) : BackgroundService, IBusHandler
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private long _count;

    public string Name => "store-sink";
    public IReadOnlyList<string> Topics => CloudTopics.Telemetry(catalog);
    public bool Broadcast => false;
    public bool Stores => true;

    // HandleAsync only enqueues for the batch writer: no dispatcher hop needed in process.
    public bool Inline => true;

    /// <summary>Null while writes succeed; the last failure otherwise (readiness reports it).</summary>
    public string? Failure { get; private set; }

    public ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        if (TelemetryContract.TryRead(message, out var point))
        {
            _pending.Writer.TryWrite(new Pending(point, DateTime.UtcNow, message.Receipt));
            metrics.StoreEnqueued(1);
            if (Interlocked.Increment(ref _count) > options.Value.MaxPendingPoints) backpressure.Set(ShedReason.StoreBacklog, true);
        }
        else
        {
            logger.LogWarning("Ignored a {Topic} record that is not telemetry JSON", message.Topic);
            message.Receipt?.Durable();
        }
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(options.Value.BatchSize);
        var reader = _pending.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var linger = options.Value.BatchLinger;
                if (linger > TimeSpan.Zero && Interlocked.Read(ref _count) < options.Value.BatchSize) await Task.Delay(linger, stoppingToken).ConfigureAwait(false);
                await DrainAsync(batch, retry: true, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync([], retry: false, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DrainAsync(List<Pending> batch, bool retry, CancellationToken cancellationToken)
    {
        var reader = _pending.Reader;
        var points = new List<TelemetryPoint>(options.Value.BatchSize);
        while (true)
        {
            batch.Clear();
            while (batch.Count < options.Value.BatchSize && reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) return;
            points.Clear();
            foreach (var item in batch) points.Add(item.Point);
            metrics.StoreOldestPending(batch[0].Received);
            if (!await WriteAsync(points, retry, cancellationToken).ConfigureAwait(false))
            {
                // Stopping with the store down: these were never acked; the edge still holds them.
                logger.LogError("Stopping with {Count} telemetry points not written (the store fails); they were not acknowledged, so the edge sends them again", points.Count + CountLeft());
                return;
            }
            metrics.StoreWritten(batch.Count);
            foreach (var item in batch) item.Receipt?.Durable();
            if (Interlocked.Add(ref _count, -batch.Count) <= options.Value.MaxPendingPoints / 2) backpressure.Set(ShedReason.StoreBacklog, false);
            metrics.StoreOldestPending(null);
        }
    }

    private int CountLeft()
    {
        int left = 0;
        while (_pending.Reader.TryRead(out _)) left++;
        return left;
    }

    /// <summary>Writes the batch, retrying with backoff while <paramref name="retry"/> and not cancelled.</summary>
    private async Task<bool> WriteAsync(List<TelemetryPoint> points, bool retry, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await store.WriteAsync(points, CancellationToken.None).ConfigureAwait(false);
                if (Failure is not null) logger.LogWarning("The store takes writes again (after {Attempts} attempts)", attempt);
                Failure = null;
                backpressure.Set(ShedReason.StoreFailing, false);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (Failure is null) logger.LogError(ex, "Writing {Count} telemetry points failed; retrying, and shedding new frames until it succeeds", points.Count);
                Failure = ex.Message;
                backpressure.Set(ShedReason.StoreFailing, true);
            }
            if (!retry || cancellationToken.IsCancellationRequested) return false;
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
        }
    }

    private readonly record struct Pending(TelemetryPoint Point, DateTime Received, IDeliveryReceipt? Receipt);
}
