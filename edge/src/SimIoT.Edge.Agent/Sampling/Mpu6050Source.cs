using System.Device.I2c;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sensors.Mpu6050;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Sampling;

/// <summary>
/// An MPU-6050 as two SimIoT devices: <c>imu</c> (acceleration, milli-g) and <c>gyro</c> (angular
/// rate, milli-°/s), both from the same sample so they share one timestamp. The die
/// temperature becomes a reading only when <paramref name="dieTemperatureDeviceId"/> is given:
/// it tracks the chip, not the room, so it is not the catalog's <c>temp</c> by default.
/// From 100 Hz on (<see cref="Mpu6050Settings.UsesFifo"/>) each call drains the chip's FIFO, so
/// the scheduler polls at <see cref="PollRateHz"/> and the samples are stamped back from the
/// sampling instant at the chip's output period.
/// </summary>
public sealed class Mpu6050Source(string name, Func<I2cDevice> openDevice, Mpu6050Settings settings, uint? dieTemperatureDeviceId = null)
    : I2cSensorSource<Mpu6050Sensor>(name, openDevice)
{
    /// <summary>FIFO drains per second: 10 samples per drain (140 of the FIFO's 1024 bytes).</summary>
    public const int SamplesPerDrain = 10;

    /// <summary>How often the scheduler should call <see cref="Sample"/>.</summary>
    public double PollRateHz => settings.UsesFifo ? settings.SampleRateHz / SamplesPerDrain : settings.SampleRateHz;

    protected override Mpu6050Sensor CreateDriver(I2cDevice device) => new(device, settings);

    protected override bool HasIdentity(Mpu6050Sensor driver) => driver.CheckIdentity();

    protected override string IdentityExpected => $"WHO_AM_I no longer reads 0x{Mpu6050Sensor.ExpectedWhoAmI:X2}";

    public override IReadOnlyList<Reading> Sample(DateTime timestampUtc)
    {
        if (!settings.UsesFifo) return ToReadings(Driver.Read(), timestampUtc);
        var samples = Driver.ReadFifo();
        var period = TimeSpan.FromSeconds(1 / Driver.SampleRateHz);
        var readings = new List<Reading>(samples.Count * 3);
        for (int i = 0; i < samples.Count; i++) readings.AddRange(ToReadings(samples[i], timestampUtc - (samples.Count - 1 - i) * period));
        return readings;
    }

    private List<Reading> ToReadings(Mpu6050Sample sample, DateTime timestampUtc)
    {
        var readings = new List<Reading>(3)
        {
            new(DeviceCatalog.Imu, timestampUtc, sample.AccelerationMilliG(), Name),
            new(DeviceCatalog.Gyro, timestampUtc, sample.AngularRateMilliDps(), Name),
        };
        if (dieTemperatureDeviceId is uint id) readings.Add(new Reading(id, timestampUtc, [sample.TemperatureCentiCelsius], Name));
        return readings;
    }
}
