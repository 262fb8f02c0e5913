using System.Globalization;
using SimIoT.Firmware.Readings;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Node;

/// <summary>Prints each acknowledged publish (topic, sequence, timestamp, values, payload) and each event, one line each.</summary>
public sealed class ConsoleObserver(TextWriter output) : INodeObserver
{
    public void Published(string topic, Reading reading, byte[] payload)
    {
        string time = reading.UnixMicroseconds == 0 ? "0 (stamp on arrival)"
            : DateTime.UnixEpoch.AddTicks(reading.UnixMicroseconds * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        string values = string.Join(",", reading.Values.Take(SensorKinds.Axes(reading.Kind)));
        output.WriteLine($"published {topic} #{reading.Sequence} t={time} v=[{values}] payload={Convert.ToHexStringLower(payload)}");
    }

    public void Event(string message) => output.WriteLine(message);
}
