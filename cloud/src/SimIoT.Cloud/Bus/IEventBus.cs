namespace SimIoT.Cloud.Bus;

/// <summary>
/// Publishes a record. Never blocks on the transport (the gateway calls it from its receive loop);
/// the value must not be reused by the caller afterwards.
/// </summary>
public interface IEventBus
{
    void Publish(string topic, string key, ReadOnlyMemory<byte> value);
}
