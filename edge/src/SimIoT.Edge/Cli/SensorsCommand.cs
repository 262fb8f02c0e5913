using System.CommandLine;
using System.Device.I2c;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Edge.Sensors.Mpu6050;

namespace SimIoT.Edge.Cli;

/// <summary><c>simiot-edge sensors</c>: probes the addresses of the supported chips and reads each once.</summary>
internal static class SensorsCommand
{
    public static Command Create()
    {
        var bus = new Option<int>("--bus") { Description = "I2C bus number (/dev/i2c-N)", DefaultValueFactory = _ => 1 };
        var emulate = new Option<bool>("--emulate") { Description = "Probe the register-level emulators instead of the bus" };
        var command = new Command("sensors", "Probe the I2C bus for an MPU-6050 (0x68, 0x69) and a BME280 (0x76, 0x77) and print one reading of each found.")
        {
            bus,
            emulate,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            int busId = parse.GetValue(bus);
            bool emulated = parse.GetValue(emulate);
            output.WriteLine(emulated ? $"I2C bus {busId} (emulated)" : $"I2C bus {busId} (/dev/i2c-{busId})");
            int found = 0;
            foreach (byte address in (byte[])[Mpu6050Sensor.DefaultI2cAddress, Mpu6050Sensor.SecondaryI2cAddress])
            {
                found += Probe(output, address, "MPU-6050", emulated, busId, device =>
                {
                    using var mpu = new Mpu6050Sensor(device, new Mpu6050Settings { SampleRateHz = 10 });
                    var s = mpu.Read();
                    return $"imu [{string.Join(", ", s.AccelerationMilliG())}] milli-g, gyro [{string.Join(", ", s.AngularRateMilliDps())}] milli-°/s, die {s.TemperatureCentiCelsius / 100.0:0.00} °C";
                });
            }

            foreach (byte address in (byte[])[Bme280Sensor.DefaultI2cAddress, Bme280Sensor.SecondaryI2cAddress])
            {
                found += Probe(output, address, "BME280", emulated, busId, device =>
                {
                    using var bme = new Bme280Sensor(device, new Bme280Settings());
                    var s = bme.Read();
                    return $"temp {s.TemperatureCelsius:0.00} °C, pressure {s.PressurePa / 100:0.00} hPa, humidity {s.HumidityPercent:0.0} %";
                });
            }

            output.WriteLine($"{found} sensor(s) found");
            return found > 0 ? 0 : 1;
        });
        return command;
    }

    private static int Probe(TextWriter output, byte address, string chip, bool emulated, int busId, Func<I2cDevice, string> read)
    {
        I2cDevice? device = null;
        try
        {
            device = emulated ? Emulated(address, busId) : I2cDevice.Create(new I2cConnectionSettings(busId, address));
            if (device is null)
            {
                output.WriteLine($"  0x{address:X2} {chip}: no answer");
                return 0;
            }

            output.WriteLine($"  0x{address:X2} {chip}: {read(device)}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException or ArgumentException)
        {
            output.WriteLine($"  0x{address:X2} {chip}: no answer ({e.Message})");
            return 0;
        }
        finally
        {
            device?.Dispose();
        }
    }

    /// <summary>The emulated bus holds one of each chip at its default address.</summary>
    private static RegisterMapDevice? Emulated(byte address, int busId) => address switch
    {
        Mpu6050Sensor.DefaultI2cAddress => new Mpu6050Emulator(busId, address),
        Bme280Sensor.DefaultI2cAddress => new Bme280Emulator(busId, address),
        _ => null,
    };
}
