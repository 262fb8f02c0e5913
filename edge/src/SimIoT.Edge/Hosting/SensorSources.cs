using System.Device.I2c;
using SimIoT.Edge.Sampling;
using Iot.Device.Imu;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Edge.Sensors.Mpu6050;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Hosting;

/// <summary>Turns the configured sensors into scheduler sources, on real buses or on emulators.</summary>
public static class SensorSources
{
    /// <summary>What <c>run --emulate</c> samples when no sensors are configured: the 3 × up-to-100 Hz.</summary>
    public static IReadOnlyList<SensorOptions> Defaults { get; } =
    [
        new() { Name = "mpu6050", Chip = "mpu6050", RateHz = 100 },
        new() { Name = "bme280", Chip = "bme280", RateHz = 1 },
    ];

    public static IReadOnlyList<(ISensorSource Source, double RateHz)> Create(IEnumerable<SensorOptions> sensors, bool emulate, TimeProvider time)
    {
        var list = new List<(ISensorSource, double)>();
        foreach (var s in sensors)
        {
            string chip = s.Chip.ToLowerInvariant();
            string name = string.IsNullOrEmpty(s.Name) ? chip : s.Name;
            switch (chip)
            {
                case "mpu6050":
                    // With the FIFO the scheduler drains bursts of samples instead of reading each one.
                    var mpu = CreateMpu(s, name, emulate, time);
                    list.Add((mpu, mpu.PollRateHz));
                    break;
                case "bme280":
                    list.Add((CreateBme(s, name, emulate, time), s.RateHz));
                    break;
                default:
                    throw new InvalidOperationException($"sensor '{name}': unknown chip '{s.Chip}' (mpu6050 or bme280)");
            }
        }

        return list;
    }

    public static AccelerometerRange ParseAccelerometerRange(int g) => g switch
    {
        2 => AccelerometerRange.Range02G,
        4 => AccelerometerRange.Range04G,
        8 => AccelerometerRange.Range08G,
        16 => AccelerometerRange.Range16G,
        _ => throw new InvalidOperationException($"accelerometer range {g} g: use 2, 4, 8 or 16"),
    };

    public static GyroscopeRange ParseGyroscopeRange(int dps) => dps switch
    {
        250 => GyroscopeRange.Range0250Dps,
        500 => GyroscopeRange.Range0500Dps,
        1000 => GyroscopeRange.Range1000Dps,
        2000 => GyroscopeRange.Range2000Dps,
        _ => throw new InvalidOperationException($"gyroscope range {dps} °/s: use 250, 500, 1000 or 2000"),
    };

    private static Mpu6050Source CreateMpu(SensorOptions s, string name, bool emulate, TimeProvider time)
    {
        byte address = s.Address == 0 ? Mpu6050Sensor.DefaultI2cAddress : (byte)s.Address;
        var settings = new Mpu6050Settings
        {
            AccelerometerRange = ParseAccelerometerRange(s.AccelerometerRangeG),
            GyroscopeRange = ParseGyroscopeRange(s.GyroscopeRangeDps),
            SampleRateHz = s.RateHz,
        };
        if (!emulate) return new Mpu6050Source(name, () => I2cDevice.Create(new I2cConnectionSettings(s.Bus, address)), settings);
        var chip = new Mpu6050Emulator(s.Bus, address, time);
        return new Mpu6050Source(name, () => chip, settings);
    }

    private static Bme280Source CreateBme(SensorOptions s, string name, bool emulate, TimeProvider time)
    {
        byte address = s.Address == 0 ? Bme280Sensor.DefaultI2cAddress : (byte)s.Address;
        var settings = new Bme280Settings();
        uint? pressure = s.Pressure ? DeviceCatalog.Pressure : null, humidity = s.Humidity ? DeviceCatalog.Humidity : null;
        if (!emulate) return new Bme280Source(name, () => I2cDevice.Create(new I2cConnectionSettings(s.Bus, address)), settings, pressure, humidity);
        var chip = new Bme280Emulator(s.Bus, address, time);
        return new Bme280Source(name, () => chip, settings, pressure, humidity);
    }
}
