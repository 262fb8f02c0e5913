using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Firmware.Node;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Tests.Sensors;

/// <summary>The core's BME280 temperature read against the agent's register-level emulator (datasheet trimming values).</summary>
public class Bme280Tests
{
    private readonly FakeClock _clock = new();

    [Fact]
    public void The_datasheet_worked_example_reads_25_08_degrees()
    {
        // Bosch's example: dig_T1 27504, dig_T2 26435, dig_T3 -1000, adc_T 519888 -> 25.08 °C.
        Assert.Equal(2508, Bme280.CompensateTemperature(519888, 27504, 26435, -1000));
        using var chip = new Bme280Emulator();
        chip.SetRawAdc(519888, 415148, 30000);
        var bme = new Bme280(new I2cDeviceAdapter(chip), _clock);
        bme.Open();
        Assert.Equal(2508, bme.ReadTemperatureCentiCelsius());
    }

    [Fact]
    public void A_forced_measurement_reads_the_emulated_climate_and_leaves_the_chip_asleep()
    {
        using var chip = new Bme280Emulator { Climate = _ => (23.45, 100000, 40) };
        var bme = new Bme280(new I2cDeviceAdapter(chip), _clock);
        bme.Open();
        Assert.InRange(bme.ReadTemperatureCentiCelsius(), 2344, 2346); // the emulator's inversion is exact to one ADC step (~0.005 °C)
        Assert.Equal(0x20, chip.Peek(0xF4)); // osrs_t = 1x, osrs_p skipped, back in sleep mode after the forced measurement
    }

    [Fact]
    public void A_chip_that_lost_its_configuration_or_answers_as_a_BMP280_is_a_sensor_exception()
    {
        using var chip = new Bme280Emulator();
        var bme = new Bme280(new I2cDeviceAdapter(chip), _clock);
        chip.Fault = I2cFault.WrongId;
        Assert.Contains("chip id is 88", Assert.Throws<SensorException>(bme.Open).Message, StringComparison.Ordinal);
        chip.Fault = I2cFault.None;
        bme.Open();
        chip.Unplug();
        Assert.Throws<SensorException>(() => bme.ReadTemperatureCentiCelsius());
    }
}
