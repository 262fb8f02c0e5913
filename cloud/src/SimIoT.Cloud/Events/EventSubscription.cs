using System.Threading.Channels;

namespace SimIoT.Cloud.Events;

/// <summary>
/// One /api/events client: a bounded queue of ready-to-write SSE frames that drops its oldest
/// frames when the client reads too slowly, so a slow browser never slows the bus.
/// </summary>
public sealed class EventSubscription : IDisposable
{
    private const int Capacity = 4096;
    private readonly Action<EventSubscription> _remove;

    internal EventSubscription(Action<EventSubscription> remove, string? modemId)
    {
        _remove = remove;
        ModemId = modemId;
    }

    /// <summary>Only this modem's events, or all when null.</summary>
    public string? ModemId { get; }

    public Channel<EventFrame> Queue { get; } = Channel.CreateBounded<EventFrame>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Dispose() => _remove(this);
}
