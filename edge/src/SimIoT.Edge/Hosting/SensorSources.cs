using System.Device.I2c;
using SimIoT.Edge.Sampling;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Edge.Sensors.Mpu6050;

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
            ISensorSource source = chip switch
            {
                "mpu6050" => CreateMpu(s, name, emulate, time),
                "bme280" => CreateBme(s, name, emulate, time),
                _ => throw new InvalidOperationException($"sensor '{name}': unknown chip '{s.Chip}' (mpu6050 or bme280)"),
            };
            list.Add((source, s.RateHz));
        }

        return list;
    }

    public static AccelerometerRange ParseAccelerometerRange(int g) => g switch
    {
        2 => AccelerometerRange.PlusMinus2G,
        4 => AccelerometerRange.PlusMinus4G,
        8 => AccelerometerRange.PlusMinus8G,
        16 => AccelerometerRange.PlusMinus16G,
        _ => throw new InvalidOperationException($"accelerometer range {g} g: use 2, 4, 8 or 16"),
    };

    public static GyroscopeRange ParseGyroscopeRange(int dps) => dps switch
    {
        250 => GyroscopeRange.PlusMinus250Dps,
        500 => GyroscopeRange.PlusMinus500Dps,
        1000 => GyroscopeRange.PlusMinus1000Dps,
        2000 => GyroscopeRange.PlusMinus2000Dps,
        _ => throw new InvalidOperationException($"gyroscope range {dps} °/s: use 250, 500, 1000 or 2000"),
    };

    private static Mpu6050Source CreateMpu(SensorOptions s, string name, bool emulate, TimeProvider time)
    {
        byte address = s.Address == 0 ? Mpu6050.DefaultI2cAddress : (byte)s.Address;
        var settings = new Mpu6050Settings
        {
            AccelerometerRange = ParseAccelerometerRange(s.AccelerometerRangeG),
            GyroscopeRange = ParseGyroscopeRange(s.GyroscopeRangeDps),
            // Output rate 1 kHz / (1 + divider): at least the sampling rate, so each read is a fresh sample.
            SampleRateDivider = (byte)Math.Clamp(Math.Floor(1000 / Math.Max(s.RateHz, 1)) - 1, 0, 255),
        };
        if (!emulate) return new Mpu6050Source(name, () => I2cDevice.Create(new I2cConnectionSettings(s.Bus, address)), settings);
        var chip = new Mpu6050Emulator(s.Bus, address, time);
        return new Mpu6050Source(name, () => chip, settings);
    }

    private static Bme280Source CreateBme(SensorOptions s, string name, bool emulate, TimeProvider time)
    {
        byte address = s.Address == 0 ? Bme280.DefaultI2cAddress : (byte)s.Address;
        if (!emulate) return new Bme280Source(name, () => I2cDevice.Create(new I2cConnectionSettings(s.Bus, address)));
        var chip = new Bme280Emulator(s.Bus, address, time);
        return new Bme280Source(name, () => chip);
    }
}
