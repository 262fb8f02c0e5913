using Confluent.Kafka;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Kafka;

/// <summary>
/// Stores a consumed record's offset (committed by the next auto-commit) once the record is
/// handled, for the store sink once it is written. One partition's records complete in order
/// (one consumer thread, one sink queue), so a stored offset never skips an unwritten record.
/// </summary>
public sealed class OffsetReceipt(IConsumer<string, byte[]> consumer, TopicPartitionOffset consumed) : IDeliveryReceipt
{
    public void Durable()
    {
        try
        {
            consumer.StoreOffset(new TopicPartitionOffset(consumed.TopicPartition, consumed.Offset + 1));
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            // The partition moved to another member, or the consumer stopped: its next owner
            // reads from the last committed offset, and the store's unique index drops the repeat.
        }
    }

    public void Failed(ShedReason reason)
    {
        // Not stored: the record is read again after a restart or rebalance.
    }
}
