using System.Device.I2c;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Node;

/// <summary>The core's I2C chip over a System.Device.I2c device (an emulator here, /dev/i2c-N on a Pi).</summary>
public sealed class I2cDeviceAdapter(I2cDevice device) : II2cDevice
{
    public void Write(byte[] buffer) => Transfer(() => device.Write(buffer));

    public void WriteRead(byte[] writeBuffer, byte[] readBuffer) => Transfer(() => device.WriteRead(writeBuffer, readBuffer));

    private void Transfer(Action transfer)
    {
        try
        {
            transfer();
        }
        catch (IOException e)
        {
            throw new SensorException($"I2C 0x{device.ConnectionSettings.DeviceAddress:X2}: {e.Message}");
        }
    }
}
