using Microsoft.Extensions.Time.Testing;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Edge.Sensors.Mpu6050;

namespace SimIoT.Edge.Tests.Sensors;

public class Mpu6050DriverTests
{
    [Theory]
    [InlineData(AccelerometerRange.PlusMinus2G, 16384)]
    [InlineData(AccelerometerRange.PlusMinus4G, 8192)]
    [InlineData(AccelerometerRange.PlusMinus8G, 4096)]
    [InlineData(AccelerometerRange.PlusMinus16G, 2048)]
    public void Accelerometer_scale_per_range_matches_the_specification(AccelerometerRange range, int lsbPerG)
    {
        using var chip = new Mpu6050Emulator { FixedAcceleration = (0.5, -0.25, 1.0) };
        using var sensor = new Mpu6050(chip, new Mpu6050Settings { AccelerometerRange = range });
        Assert.Equal((byte)range << 3, chip.Peek(0x1C));
        var sample = sensor.Read();
        Assert.Equal(lsbPerG, sample.AccelZ);
        Assert.Equal(lsbPerG / 2, sample.AccelX);
        Assert.Equal([500, -250, 1000], sample.AccelerationMilliG());
    }

    [Theory]
    [InlineData(GyroscopeRange.PlusMinus250Dps, 131.0)]
    [InlineData(GyroscopeRange.PlusMinus500Dps, 65.5)]
    [InlineData(GyroscopeRange.PlusMinus1000Dps, 32.8)]
    [InlineData(GyroscopeRange.PlusMinus2000Dps, 16.4)]
    public void Gyroscope_scale_per_range_matches_the_specification(GyroscopeRange range, double lsbPerDps)
    {
        using var chip = new Mpu6050Emulator { FixedAngularRate = (100, -50, 10) };
        using var sensor = new Mpu6050(chip, new Mpu6050Settings { GyroscopeRange = range });
        Assert.Equal((byte)range << 3, chip.Peek(0x1B));
        var sample = sensor.Read();
        Assert.Equal((short)Math.Round(100 * lsbPerDps), sample.GyroX);
        int[] mdps = sample.AngularRateMilliDps();
        Assert.InRange(mdps[0], 99_950, 100_050);
        Assert.InRange(mdps[1], -50_050, -49_950);
        Assert.InRange(mdps[2], 9_950, 10_050);
    }

    [Fact]
    public void Temperature_is_raw_over_340_plus_36_53()
    {
        Assert.Equal(3653, Mpu6050Scale.ToCentiCelsius(0));
        Assert.Equal(3753, Mpu6050Scale.ToCentiCelsius(340));
        Assert.Equal(2153, Mpu6050Scale.ToCentiCelsius(-5100));
        using var chip = new Mpu6050Emulator { FixedTemperature = 25.0 };
        using var sensor = new Mpu6050(chip);
        Assert.Equal(2500, sensor.Read().TemperatureCentiCelsius);
    }

    [Fact]
    public void Constructor_wakes_the_chip_and_sets_filter_and_rate()
    {
        using var chip = new Mpu6050Emulator();
        Assert.True(chip.IsAsleep);
        using var sensor = new Mpu6050(chip, new Mpu6050Settings { Filter = DigitalLowPassFilter.Bandwidth21Hz, SampleRateDivider = 4 });
        Assert.False(chip.IsAsleep);
        Assert.Equal(0x01, chip.Peek(0x6B));
        Assert.Equal(4, chip.Peek(0x1A));
        Assert.Equal(4, chip.Peek(0x19));
        Assert.Equal(200.0, sensor.SampleRateHz);
        sensor.Sleep();
        Assert.True(chip.IsAsleep);
    }

    [Fact]
    public void Burst_read_returns_a_moving_board_near_one_g()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var chip = new Mpu6050Emulator(timeProvider: time);
        using var sensor = new Mpu6050(chip);
        var a = sensor.Read().AccelerationMilliG();
        time.Advance(TimeSpan.FromSeconds(2.5));
        var b = sensor.Read().AccelerationMilliG();
        double magnitude = Math.Sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * (double)b[2]);
        Assert.InRange(magnitude, 980, 1020);
        Assert.True(Math.Abs(a[0] - b[0]) > 200, $"x should move: {a[0]} -> {b[0]}");
    }

    [Fact]
    public void Full_scale_saturates_like_the_ADC()
    {
        using var chip = new Mpu6050Emulator { FixedAcceleration = (3.0, 0, 1) };
        using var sensor = new Mpu6050(chip);
        Assert.Equal(short.MaxValue, sensor.Read().AccelX);
    }

    [Fact]
    public void Wrong_id_throws_IOException()
    {
        using var chip = new Mpu6050Emulator { Fault = I2cFault.WrongId };
        var error = Assert.Throws<IOException>(() => new Mpu6050(chip));
        Assert.Contains("0x71", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nack_and_stuck_bus_are_IOExceptions_and_TryRead_recovers()
    {
        using var chip = new Mpu6050Emulator();
        using var sensor = new Mpu6050(chip);
        chip.Fault = I2cFault.Nack;
        Assert.False(sensor.TryRead(out _));
        Assert.Throws<IOException>(() => new Mpu6050(chip));
        chip.Fault = I2cFault.StuckBus;
        Assert.Contains("timed out", Assert.Throws<IOException>(() => sensor.Read()).Message, StringComparison.Ordinal);
        chip.Fault = I2cFault.None;
        Assert.True(sensor.TryRead(out _));
        Assert.True(sensor.CheckIdentity());
    }

    [Fact]
    public void Reads_auto_increment_across_registers()
    {
        using var chip = new Mpu6050Emulator { FixedAcceleration = (0, 0, 1) };
        using var sensor = new Mpu6050(chip);
        chip.Write([0x3F]);
        Span<byte> two = stackalloc byte[2];
        chip.Read(two);
        Assert.Equal(0x40, two[0]); // 16384 = 0x4000: ACCEL_ZOUT_H then _L
        Assert.Equal(0x00, two[1]);
    }
}
