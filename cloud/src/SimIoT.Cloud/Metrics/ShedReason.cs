namespace SimIoT.Cloud.Metrics;

/// <summary>Why the gateway did not take (or did not acknowledge) a frame: the edge keeps it and resends.</summary>
public enum ShedReason
{
    /// <summary>The store sink holds more unwritten points than it may.</summary>
    StoreBacklog,

    /// <summary>The store's last write failed; it is being retried.</summary>
    StoreFailing,

    /// <summary>More records wait for the Kafka cluster's ack than the producer may hold.</summary>
    BusBacklog,

    /// <summary>librdkafka's local queue was full.</summary>
    BusQueueFull,

    /// <summary>Kafka reported the record not delivered (broker unreachable past message.timeout.ms, or refused).</summary>
    BusDeliveryFailed,
}
