using Iot.Device.Bmxx80;
using Oversampling = Iot.Device.Bmxx80.Sampling;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;
using Microsoft.Extensions.Time.Testing;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;

namespace SimIoT.Edge.Tests.Sensors;

/// <summary>dotnet/iot's BME280 driver (through <see cref="Bme280Sensor"/>) against the register-level emulator.</summary>
public class Bme280DriverTests
{
    private static readonly Bme280Settings Defaults = new();

    [Fact]
    public void Normal_mode_reads_the_emulated_climate()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var chip = new Bme280Emulator(timeProvider: time) { Climate = _ => (23.45, 98765.0, 55.5) };
        using var sensor = new Bme280Sensor(chip, Defaults);
        var sample = sensor.Read();
        Assert.InRange(sample.TemperatureCelsius, 23.44, 23.46);
        Assert.InRange(sample.PressurePa!.Value, 98764.0, 98766.0);
        Assert.InRange(sample.HumidityPercent!.Value, 55.4, 55.6);
        Assert.Equal(Bmx280PowerMode.Normal, chip.Mode);
    }

    [Fact]
    public void Signal_varies_with_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var chip = new Bme280Emulator(timeProvider: time);
        using var sensor = new Bme280Sensor(chip, Defaults);
        int first = sensor.Read().TemperatureCentiCelsius;
        time.Advance(TimeSpan.FromSeconds(150));
        int later = sensor.Read().TemperatureCentiCelsius;
        Assert.InRange(later - first, 100, 200); // 1.5 °C amplitude, quarter period of 600 s
    }

    [Fact]
    public void Oversampling_filter_and_standby_reach_the_registers_and_ctrl_hum_is_latched_by_ctrl_meas()
    {
        using var chip = new Bme280Emulator();
        var settings = new Bme280Settings
        {
            Temperature = Oversampling.UltraLowPower, Pressure = Oversampling.Standard, Humidity = Oversampling.HighResolution,
            Filter = Bmx280FilteringMode.X4, Standby = StandbyTime.Ms1000,
        };
        using var sensor = new Bme280Sensor(chip, settings);
        Assert.Equal(0b001_011_11, chip.Peek(0xF4)); // osrs_t ×1, osrs_p ×4, normal mode
        Assert.Equal(0x04, chip.Peek(0xF2)); // osrs_h ×8
        Assert.Equal(0x04, chip.EffectiveCtrlHum); // upstream rewrote ctrl_meas after ctrl_hum
        Assert.Equal(0b101_010_00, chip.Peek(0xF5)); // t_sb 1000 ms, filter 4
        Assert.True(sensor.MeasurementDurationMs > 0);
    }

    [Fact]
    public void Forced_mode_measures_on_demand_and_returns_to_sleep()
    {
        using var chip = new Bme280Emulator { Climate = _ => (18.0, 100000.0, 40.0) };
        using var sensor = new Bme280Sensor(chip, Defaults with { Mode = Bmx280PowerMode.Forced });
        Assert.Equal(Bmx280PowerMode.Sleep, chip.Mode);
        Assert.Equal(0x80, chip.Peek(0xFA)); // nothing measured yet: reset value
        var sample = sensor.Read();
        Assert.InRange(sample.TemperatureCelsius, 17.99, 18.01);
        Assert.Equal(Bmx280PowerMode.Sleep, chip.Mode);
    }

    [Fact]
    public void Skipped_channels_read_as_null()
    {
        using var chip = new Bme280Emulator();
        using var sensor = new Bme280Sensor(chip, Defaults with { Pressure = Oversampling.Skipped, Humidity = Oversampling.Skipped });
        var sample = sensor.Read();
        Assert.Null(sample.PressurePa);
        Assert.Null(sample.HumidityPercent);
    }

    [Fact]
    public void Wrong_chip_id_throws_IOException_naming_both_ids()
    {
        using var chip = new Bme280Emulator { Fault = I2cFault.WrongId };
        var error = Assert.Throws<IOException>(() => new Bme280Sensor(chip, Defaults));
        Assert.Contains("0x58", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x60", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nack_and_stuck_bus_make_TryRead_false_and_recovery_true()
    {
        using var chip = new Bme280Emulator();
        using var sensor = new Bme280Sensor(chip, Defaults);
        chip.Fault = I2cFault.Nack;
        Assert.False(sensor.TryRead(out _));
        chip.Fault = I2cFault.StuckBus;
        Assert.False(sensor.TryRead(out _));
        Assert.False(sensor.CheckIdentity());
        chip.Fault = I2cFault.None;
        Assert.True(sensor.TryRead(out var sample));
        Assert.InRange(sample.TemperatureCelsius, 15, 30);
    }

    [Fact]
    public void Replugged_chip_loses_its_configuration_and_the_old_driver_notices()
    {
        using var chip = new Bme280Emulator();
        using var sensor = new Bme280Sensor(chip, Defaults);
        chip.Unplug();
        Assert.Throws<IOException>(() => new Bme280Sensor(chip, Defaults));
        chip.Plug();
        // Back from power-on reset the chip sleeps with ctrl_meas = 0 and 0x80000 in the data registers.
        Assert.Contains("lost its configuration", Assert.Throws<IOException>(() => sensor.Read()).Message, StringComparison.Ordinal);
        using var fresh = new Bme280Sensor(chip, Defaults);
        Assert.True(fresh.TryRead(out _));
    }
}
