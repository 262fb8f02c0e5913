using System.Threading.Channels;

namespace SimIoT.Edge.Readings;

/// <summary>
/// The one stream every reading goes through: local sensors and MQTT nodes write, the pump that
/// feeds the <see cref="IReadingSink"/> reads. Bounded, so a stalled card cannot exhaust memory;
/// when full the oldest reading is dropped and counted (the newest data is the most useful).
/// </summary>
public sealed class ReadingChannel
{
    private readonly Channel<Reading> _channel;
    private long _dropped;

    public ReadingChannel(int capacity = 10_000)
    {
        _channel = Channel.CreateBounded<Reading>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public ChannelWriter<Reading> Writer => _channel.Writer;

    public ChannelReader<Reading> Reader => _channel.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Waits for at least one reading, then takes up to <paramref name="max"/> without waiting further.</summary>
    public async ValueTask<IReadOnlyList<Reading>> ReadBatchAsync(int max, CancellationToken cancellationToken)
    {
        var batch = new List<Reading>();
        if (!await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return batch;
        while (batch.Count < max && _channel.Reader.TryRead(out var reading)) batch.Add(reading);
        return batch;
    }
}
