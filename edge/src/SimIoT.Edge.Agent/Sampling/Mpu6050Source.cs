using System.Device.I2c;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sensors.Mpu6050;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Sampling;

/// <summary>
/// An MPU-6050 as two SimIoT devices: <c>imu</c> (acceleration, milli-g) and <c>gyro</c> (angular
/// rate, milli-°/s), both from the same burst read so they share one timestamp. The die
/// temperature becomes a reading only when <paramref name="dieTemperatureDeviceId"/> is given:
/// it tracks the chip, not the room, so it is not the catalog's <c>temp</c> by default.
/// </summary>
public sealed class Mpu6050Source(string name, Func<I2cDevice> openDevice, Mpu6050Settings? settings = null, uint? dieTemperatureDeviceId = null) : ISensorSource
{
    private I2cDevice? _device;
    private Mpu6050? _driver;

    public string Name { get; } = name;

    public void Open()
    {
        Close();
        _device = openDevice();
        _driver = new Mpu6050(_device, settings);
    }

    public IReadOnlyList<Reading> Sample(DateTime timestampUtc)
    {
        var sample = (_driver ?? throw new InvalidOperationException("not open")).Read();
        var readings = new List<Reading>(3)
        {
            new(DeviceCatalog.Imu, timestampUtc, sample.AccelerationMilliG(), Name),
            new(DeviceCatalog.Gyro, timestampUtc, sample.AngularRateMilliDps(), Name),
        };
        if (dieTemperatureDeviceId is uint id) readings.Add(new Reading(id, timestampUtc, [sample.TemperatureCentiCelsius], Name));
        return readings;
    }

    public void Verify()
    {
        if (_driver is null || !_driver.CheckIdentity()) throw new IOException($"{Name}: WHO_AM_I no longer reads 0x{Mpu6050.ExpectedWhoAmI:X2}");
    }

    public void Close()
    {
        _driver?.Dispose();
        _driver = null;
        _device?.Dispose();
        _device = null;
    }

    public void Dispose() => Close();
}
