using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;

namespace SimIoT.Edge.Tests.Sensors;

/// <summary>The Bosch worked example (BMP280 datasheet section 3.12; same T and P formulas in the BME280).</summary>
public class Bme280WorkedExampleTests
{
    private static readonly Bme280Calibration Sample = Bme280Emulator.DatasheetCalibration;

    [Fact]
    public void Temperature_matches_the_datasheet_example()
    {
        int centi = Sample.CompensateTemperature(519888, out int tFine);
        Assert.Equal(128422, tFine);
        Assert.Equal(2508, centi);
    }

    [Fact]
    public void Pressure_int64_matches_the_datasheet_example()
    {
        Sample.CompensateTemperature(519888, out int tFine);
        uint q24_8 = Sample.CompensatePressure(415148, tFine);
        // The datasheet's 100653.27 Pa comes from its floating-point table (t_fine not truncated);
        // the int64 formula gives 25767233 / 256 = 100653.254 Pa (reproduced independently in
        // Python with C semantics). Agreement within 0.02 Pa is the check against the datasheet.
        Assert.Equal(25767233u, q24_8);
        Assert.InRange(q24_8 / 256.0, 100653.27 - 0.02, 100653.27 + 0.02);
    }

    [Fact]
    public void Pressure_guard_returns_zero_when_dig_P1_is_zero()
    {
        var broken = Sample with { P1 = 0 };
        Assert.Equal(0u, broken.CompensatePressure(415148, 128422));
    }

    [Fact]
    public void Humidity_is_clamped_to_0_and_100_percent()
    {
        Sample.CompensateTemperature(519888, out int tFine);
        Assert.Equal(0u, Sample.CompensateHumidity(0, tFine));
        Assert.Equal(100u * 1024, Sample.CompensateHumidity(0xFFFF, tFine));
    }

    [Fact]
    public void Calibration_round_trips_through_the_register_layout_including_split_H4_H5()
    {
        var odd = Sample with { H4 = -300, H5 = 1234, H6 = -5, H2 = -7 };
        var block1 = new byte[26];
        var block2 = new byte[7];
        odd.WriteTo(block1, block2);
        Assert.Equal(odd, Bme280Calibration.Parse(block1, block2));
        // dig_T1 = 27504 = 0x6B70, little-endian at 0x88.
        Assert.Equal(0x70, block1[0]);
        Assert.Equal(0x6B, block1[1]);
    }

    [Fact]
    public void Upstream_driver_reads_the_worked_example_through_the_register_map()
    {
        using var chip = new Bme280Emulator();
        chip.SetRawAdc(519888, 415148, 0x6000);
        using var sensor = new Bme280Sensor(chip, new Bme280Settings());
        var sample = sensor.Read();
        // dotnet/iot reads the trimming values from the emulator's registers and uses the
        // floating-point temperature formula (25.08 °C, t_fine 128422) and the int64 pressure one.
        Assert.Equal(2508, sample.TemperatureCentiCelsius);
        Assert.InRange(sample.PressurePa!.Value, 100653.25, 100653.27);
        Assert.Equal(Sample.CompensateHumidity(0x6000, 128422) / 1024.0, sample.HumidityPercent!.Value, 1);
    }
}
