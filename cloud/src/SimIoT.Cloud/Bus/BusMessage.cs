namespace SimIoT.Cloud.Bus;

/// <summary>
/// One record on the bus: the same topic, key (modem id) and JSON value whichever transport carries it.
/// In process, a record the gateway waits on carries its receipt to the handler that makes it durable,
/// and a reading travels typed (<see cref="Telemetry"/>, <see cref="Value"/> empty): JSON only where it is needed.
/// </summary>
public readonly record struct BusMessage(string Topic, string Key, ReadOnlyMemory<byte> Value, IDeliveryReceipt? Receipt = null, Store.TelemetryPoint? Telemetry = null);
