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
public sealed class Mpu6050Source(string name, Func<I2cDevice> openDevice, Mpu6050Settings? settings = null, uint? dieTemperatureDeviceId = null)
    : I2cSensorSource<Mpu6050>(name, openDevice)
{
    protected override Mpu6050 CreateDriver(I2cDevice device) => new(device, settings);

    protected override bool HasIdentity(Mpu6050 driver) => driver.CheckIdentity();

    protected override string IdentityExpected => $"WHO_AM_I no longer reads 0x{Mpu6050.ExpectedWhoAmI:X2}";

    public override IReadOnlyList<Reading> Sample(DateTime timestampUtc)
    {
        var sample = Driver.Read();
        var readings = new List<Reading>(3)
        {
            new(DeviceCatalog.Imu, timestampUtc, sample.AccelerationMilliG(), Name),
            new(DeviceCatalog.Gyro, timestampUtc, sample.AngularRateMilliDps(), Name),
        };
        if (dieTemperatureDeviceId is uint id) readings.Add(new Reading(id, timestampUtc, [sample.TemperatureCentiCelsius], Name));
        return readings;
    }
}
