using Confluent.Kafka;

namespace SimIoT.Cloud.Kafka;

/// <summary>
/// Where a broadcast consumer is in each partition it has had: the starting point of its first
/// assignment, then the record after the last one it read. Its group is this process's alone, so
/// when a rebalance (a topic matching a pattern appears, a member joins or leaves) hands it a
/// partition again, this is where it goes on; starting at the end again would skip what was
/// published meanwhile. Used on the consumer's thread only (rebalance callbacks run in Consume).
/// </summary>
internal sealed class ResumePositions
{
    private readonly Dictionary<TopicPartition, Offset> _next = [];

    /// <summary>The positions of those of <paramref name="partitions"/> this consumer has had before.</summary>
    public List<TopicPartitionOffset> Of(IEnumerable<TopicPartition> partitions) =>
        [.. partitions.Where(_next.ContainsKey).Select(p => new TopicPartitionOffset(p, _next[p]))];

    public void Started(IEnumerable<TopicPartitionOffset> positions)
    {
        foreach (var position in positions) _next[position.TopicPartition] = position.Offset;
    }

    public void Consumed(TopicPartitionOffset record) => _next[record.TopicPartition] = record.Offset + 1;
}
