namespace SimIoT.Cloud.Bus;

/// <summary>
/// Publishes a record. Never blocks on the transport (the gateway calls it from its receive loop);
/// the value must not be reused by the caller afterwards.
/// </summary>
public interface IEventBus
{
    /// <param name="receipt">Told when the record is durable (or failed), when given.</param>
    void Publish(string topic, string key, ReadOnlyMemory<byte> value, IDeliveryReceipt? receipt = null);

    /// <summary>Publishes a reading on its telemetry topic: as the topic's JSON unless the transport carries it typed.</summary>
    void PublishTelemetry(string topic, Store.TelemetryPoint point, IDeliveryReceipt? receipt = null) =>
        Publish(topic, point.ModemId, Telemetry.TelemetryContract.ToJson(point), receipt);
}
