using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Bus;

/// <summary>
/// The embedded profile's bus: one unbounded channel and one dispatch task per handler, so a slow
/// handler never stalls the gateway's receive loop; a handler that only enqueues
/// (<see cref="IBusHandler.Inline"/>) is called on the publisher's thread instead. Stopping drains every channel first, so what
/// the gateway published before shutdown still reaches the store.
/// </summary>
public sealed class InProcessEventBus : IEventBus, IHostedService
{
    private readonly Lazy<Subscriber[]> _subscribers;
    private readonly ConcurrentDictionary<string, Subscriber[]> _routes = new(StringComparer.Ordinal);
    private readonly CloudMetrics _metrics;
    private readonly ILogger<InProcessEventBus> _logger;
    private readonly CancellationTokenSource _abort = new();
    private Task[] _dispatchers = [];

    // Handlers are resolved late: some of them (the gateway's) publish on this bus themselves.
    public InProcessEventBus(IServiceProvider services, CloudMetrics metrics, ILogger<InProcessEventBus> logger)
    {
        _subscribers = new(() => [.. services.GetServices<IBusHandler>().Select(h => new Subscriber(h))]);
        _metrics = metrics;
        _logger = logger;
    }

    public void Publish(string topic, string key, ReadOnlyMemory<byte> value, IDeliveryReceipt? receipt = null) =>
        Deliver(new BusMessage(topic, key, value, receipt));

    // Typed: the store sink takes the point as it is, and SSE makes JSON only for a connected browser.
    public void PublishTelemetry(string topic, Store.TelemetryPoint point, IDeliveryReceipt? receipt = null) =>
        Deliver(new BusMessage(topic, point.ModemId, ReadOnlyMemory<byte>.Empty, receipt, point));

    private void Deliver(BusMessage message)
    {
        var receipt = message.Receipt;
        var targets = _routes.GetOrAdd(message.Topic, t => [.. _subscribers.Value.Where(s => s.Filter.Matches(t))]);
        var envelope = new Envelope(message, Stopwatch.GetTimestamp());
        bool stored = false;
        foreach (var target in targets)
        {
            var handler = target.Handler;
            stored |= handler.Stores;
            if (handler.Inline) HandleInline(handler, message);
            else if (!handler.Idle) target.Channel.Writer.TryWrite(envelope);
        }
        // Nothing here makes the record durable (no store sink in this process): in-process is all there is.
        if (!stored) receipt?.Durable();
        _metrics.BusPublished();
    }

    // As the dispatcher would: a failing handler is logged, and the record's receipt stays open
    // (the frame is never acked, so the edge sends it again).
    private void HandleInline(IBusHandler handler, BusMessage message)
    {
        try
        {
            var handled = handler.HandleAsync(message, _abort.Token);
            if (!handled.IsCompletedSuccessfully) handled.AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Bus handler {Handler} failed on a {Topic} record", handler.Name, message.Topic);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _dispatchers = [.. _subscribers.Value.Where(s => !s.Handler.Inline).Select(s => Task.Run(() => DispatchAsync(s)))];
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _subscribers.Value) s.Channel.Writer.TryComplete();
        await using var registration = cancellationToken.Register(_abort.Cancel);
        await Task.WhenAll(_dispatchers).ConfigureAwait(false);
    }

    private async Task DispatchAsync(Subscriber subscriber)
    {
        var reader = subscriber.Channel.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out var envelope))
            {
                _metrics.ObserveBusLatency(Stopwatch.GetElapsedTime(envelope.PublishedAt));
                try
                {
                    await subscriber.Handler.HandleAsync(envelope.Message, _abort.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Bus handler {Handler} failed on a {Topic} record", subscriber.Handler.Name, envelope.Message.Topic);
                }
            }
        }
    }

    private readonly record struct Envelope(BusMessage Message, long PublishedAt);

    private sealed class Subscriber(IBusHandler handler)
    {
        public IBusHandler Handler { get; } = handler;
        public TopicFilter Filter { get; } = new(handler.Topics);
        public Channel<Envelope> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });
    }
}
