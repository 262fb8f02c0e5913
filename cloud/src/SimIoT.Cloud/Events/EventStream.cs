using System.Collections.Concurrent;
using System.Text;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Telemetry;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Events;

/// <summary>
/// Fans bus records out to /api/events clients as Server-Sent Events. The record's JSON is
/// wrapped, not re-parsed, so a telemetry point costs one copy. Each client has a bounded
/// queue that drops its oldest events rather than slowing the bus.
/// </summary>
public sealed class EventStream(DeviceCatalog catalog, CloudMetrics metrics) : IBusHandler
{
    private readonly ConcurrentDictionary<EventSubscription, byte> _clients = new();

    // ConcurrentDictionary.IsEmpty takes all its locks when the dictionary is empty, and the bus
    // asks per record: a count of our own answers without a lock.
    private int _clientCount;

    public string Name => "sse";
    public IReadOnlyList<string> Topics { get; } = [.. CloudTopics.Telemetry(catalog), CloudTopics.CommandState, CloudTopics.CarrierSwitchAck, CloudTopics.ModemChanges];
    public bool Broadcast => true;

    // With no browser connected every record would be dropped here: the bus need not queue it.
    public bool Idle => Volatile.Read(ref _clientCount) == 0;

    public EventSubscription Subscribe(string? modemId)
    {
        var subscription = new EventSubscription(Remove, modemId);
        if (_clients.TryAdd(subscription, 0)) Interlocked.Increment(ref _clientCount);
        metrics.SseClient(1);
        return subscription;
    }

    private void Remove(EventSubscription subscription)
    {
        if (!_clients.TryRemove(subscription, out _)) return;
        Interlocked.Decrement(ref _clientCount);
        metrics.SseClient(-1);
    }

    public ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
    {
        if (Idle) return ValueTask.CompletedTask;
        var frame = new EventFrame(message.Key, message.Topic == CloudTopics.ModemChanges, Frame(message));
        foreach (var client in _clients.Keys)
        {
            if (client.ModemId is null || client.ModemId == message.Key) client.Queue.Writer.TryWrite(frame);
        }
        return ValueTask.CompletedTask;
    }

    private static byte[] Frame(BusMessage message)
    {
        // event: telemetry, data: {"sensor":"temp","modemId":"...","point":<the topic's JSON>}
        string kind = message.Topic switch
        {
            CloudTopics.CommandState => "command",
            CloudTopics.CarrierSwitchAck => "carrier",
            CloudTopics.ModemChanges => "modem",
            _ => "telemetry",
        };
        // A reading carried typed in process becomes the topic's JSON here, for the browser.
        var value = message.Value.IsEmpty && message.Telemetry is { } point ? TelemetryContract.ToJson(point) : message.Value;
        var head = kind == "telemetry"
            ? $"event: telemetry\ndata: {{\"sensor\":\"{message.Topic}\",\"modemId\":\"{message.Key}\",\"point\":"
            : $"event: {kind}\ndata: ";
        var tail = kind == "telemetry" ? "}\n\n" : "\n\n";
        var frame = new byte[Encoding.UTF8.GetByteCount(head) + value.Length + tail.Length];
        int n = Encoding.UTF8.GetBytes(head, frame);
        value.Span.CopyTo(frame.AsSpan(n));
        Encoding.UTF8.GetBytes(tail, frame.AsSpan(n + value.Length));
        return frame;
    }
}
