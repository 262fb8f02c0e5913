namespace SimIoT.Firmware.Sensors;

/// <summary>
/// One chip on the I2C bus, shaped like System.Device.I2c's <c>I2cDevice</c> (Write, WriteRead with a
/// repeated start). A transfer the chip does not complete throws <see cref="SensorException"/>.
/// </summary>
public interface II2cDevice
{
    void Write(byte[] buffer);

    void WriteRead(byte[] writeBuffer, byte[] readBuffer);
}
