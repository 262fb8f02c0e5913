namespace SimIoT.Cloud.Bus;

/// <summary>One record on the bus: the same topic, key (modem id) and JSON value whichever transport carries it.</summary>
public readonly record struct BusMessage(string Topic, string Key, ReadOnlyMemory<byte> Value);
