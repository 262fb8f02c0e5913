using System.Diagnostics;
using SimIoT.Firmware.Readings;

namespace SimIoT.Firmware.Esp32
{
    /// <summary>Reports to the debug output (Visual Studio's output window or nanoff's serial monitor).</summary>
    internal sealed class SerialObserver : INodeObserver
    {
        public void Published(string topic, Reading reading, byte[] payload) =>
            Debug.WriteLine("published " + topic + " #" + reading.Sequence + " t=" + reading.UnixMicroseconds);

        public void Event(string message) => Debug.WriteLine(message);
    }
}
