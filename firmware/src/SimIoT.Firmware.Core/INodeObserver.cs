using SimIoT.Firmware.Readings;

namespace SimIoT.Firmware;

/// <summary>What the node reports: the device shell logs it to the serial port, the host prints it.</summary>
public interface INodeObserver
{
    /// <summary>A reading the broker acknowledged (PUBACK).</summary>
    void Published(string topic, Reading reading, byte[] payload);

    /// <summary>A state change or fault, as one line of text.</summary>
    void Event(string message);
}
