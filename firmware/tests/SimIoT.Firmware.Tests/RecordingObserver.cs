using SimIoT.Firmware.Readings;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Tests;

/// <summary>Keeps what the node reported: each acknowledged reading (copied: ring slots are reused) and each event.</summary>
internal sealed class RecordingObserver : INodeObserver
{
    public List<(SensorKind Kind, long Micros, int[] Values, long Sequence)> Acknowledged { get; } = [];

    public List<string> Events { get; } = [];

    public void Published(string topic, Reading reading, byte[] payload) =>
        Acknowledged.Add((reading.Kind, reading.UnixMicroseconds, reading.Values.Take(SensorKinds.Axes(reading.Kind)).ToArray(), reading.Sequence));

    public void Event(string message) => Events.Add(message);
}
