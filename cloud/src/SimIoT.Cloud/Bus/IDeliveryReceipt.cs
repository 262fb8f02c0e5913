using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Bus;

/// <summary>
/// Told once whether a published record became durable: written to the store (embedded
/// profile) or acknowledged by every in-sync Kafka replica. The gateway acks a frame on it.
/// </summary>
public interface IDeliveryReceipt
{
    void Durable();

    void Failed(ShedReason reason);
}
