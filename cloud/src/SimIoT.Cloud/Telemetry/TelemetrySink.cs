using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Telemetry;

/// <summary>
/// Consumes the telemetry topics into the store in batches (one transaction per batch). The
/// handler only enqueues, so the bus never waits on the disk; stopping writes what is left.
/// </summary>
public sealed class TelemetrySink(
    ITelemetryStore store,
    DeviceCatalog catalog,
    CloudMetrics metrics,
    IOptions<StoreOptions> options,
    ILogger<TelemetrySink> logger) : BackgroundService, IBusHandler
{
    private readonly Channel<(TelemetryPoint Point, DateTime Received)> _pending = Channel.CreateUnbounded<(TelemetryPoint, DateTime)>(new UnboundedChannelOptions { SingleReader = true });

    public string Name => "store-sink";
    public IReadOnlyList<string> Topics => CloudTopics.Telemetry(catalog);
    public bool Broadcast => false;

    public ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        if (ContractJson.TryDeserialize<TelemetryMessage>(message.Value.Span, out var reading, out _) && reading is not null
            && IsoTimestamp.TryParse(reading.Timestamp, out var timestamp))
        {
            int[] values = reading.Values is { Count: > 0 } v ? [.. v] : [reading.Data];
            var point = new TelemetryPoint(reading.ModemId ?? message.Key, message.Topic, reading.DeviceId ?? 0, timestamp, values);
            _pending.Writer.TryWrite((point, DateTime.UtcNow));
            metrics.StoreEnqueued(1);
        }
        else
        {
            logger.LogWarning("Ignored a {Topic} record that is not telemetry JSON", message.Topic);
        }
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TelemetryPoint>(options.Value.BatchSize);
        var reader = _pending.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await DrainAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(new List<TelemetryPoint>(), CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DrainAsync(List<TelemetryPoint> batch, CancellationToken cancellationToken)
    {
        var reader = _pending.Reader;
        while (true)
        {
            batch.Clear();
            DateTime? oldest = null;
            while (batch.Count < options.Value.BatchSize && reader.TryRead(out var item))
            {
                oldest ??= item.Received;
                batch.Add(item.Point);
            }
            if (batch.Count == 0) return;
            metrics.StoreOldestPending(oldest);
            try
            {
                await store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                metrics.StoreWritten(batch.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Writing {Count} telemetry points failed; they are lost", batch.Count);
            }
            metrics.StoreOldestPending(null);
        }
    }
}
