using Iot.Device.Imu;
using Microsoft.Extensions.Time.Testing;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Edge.Sensors.Mpu6050;

namespace SimIoT.Edge.Tests.Sensors;

/// <summary>dotnet/iot's MPU-6050 driver (through <see cref="Mpu6050Sensor"/>) against the register-level emulator.</summary>
public class Mpu6050DriverTests
{
    private static readonly Mpu6050Settings Polled = new() { SampleRateHz = 10 };

    [Theory]
    [InlineData(AccelerometerRange.Range02G, 16384)]
    [InlineData(AccelerometerRange.Range04G, 8192)]
    [InlineData(AccelerometerRange.Range08G, 4096)]
    [InlineData(AccelerometerRange.Range16G, 2048)]
    public void Accelerometer_scale_per_range_matches_the_specification(AccelerometerRange range, int lsbPerG)
    {
        using var chip = new Mpu6050Emulator { FixedAcceleration = (0.5, -0.25, 1.0) };
        using var sensor = new Mpu6050Sensor(chip, Polled with { AccelerometerRange = range });
        Assert.Equal((byte)range << 3, chip.Peek(0x1C));
        var sample = sensor.Read();
        Assert.Equal(lsbPerG, sample.AccelZ);
        Assert.Equal(lsbPerG / 2, sample.AccelX);
        Assert.Equal([500, -250, 1000], sample.AccelerationMilliG());
    }

    [Theory]
    [InlineData(GyroscopeRange.Range0250Dps, 131.0)]
    [InlineData(GyroscopeRange.Range0500Dps, 65.5)]
    [InlineData(GyroscopeRange.Range1000Dps, 32.8)]
    [InlineData(GyroscopeRange.Range2000Dps, 16.4)]
    public void Gyroscope_scale_per_range_matches_the_specification(GyroscopeRange range, double lsbPerDps)
    {
        using var chip = new Mpu6050Emulator { FixedAngularRate = (100, -50, 10) };
        using var sensor = new Mpu6050Sensor(chip, Polled with { GyroscopeRange = range });
        // The range survives upstream's bandwidth setter, which writes GYRO_CONFIG without it.
        Assert.Equal((byte)range << 3, chip.Peek(0x1B));
        var sample = sensor.Read();
        Assert.Equal((short)Math.Round(100 * lsbPerDps), sample.GyroX);
        int[] mdps = sample.AngularRateMilliDps();
        Assert.InRange(mdps[0], 99_950, 100_050);
        Assert.InRange(mdps[1], -50_050, -49_950);
        Assert.InRange(mdps[2], 9_950, 10_050);
    }

    [Fact]
    public void Temperature_is_raw_over_340_plus_36_53_not_upstreams_MPU_9250_formula()
    {
        Assert.Equal(3653, Mpu6050Scale.ToCentiCelsius(0));
        Assert.Equal(3753, Mpu6050Scale.ToCentiCelsius(340));
        Assert.Equal(2153, Mpu6050Scale.ToCentiCelsius(-5100));
        using var chip = new Mpu6050Emulator { FixedTemperature = 25.0 };
        using var sensor = new Mpu6050Sensor(chip, Polled);
        var sample = sensor.Read();
        Assert.Equal(-3920, sample.RawTemperature);
        Assert.Equal(2500, sample.TemperatureCentiCelsius);
    }

    [Fact]
    public void Upstream_constructor_wakes_the_chip_and_the_wrapper_sets_filter_and_rate()
    {
        using var chip = new Mpu6050Emulator();
        Assert.True(chip.IsAsleep);
        using var sensor = new Mpu6050Sensor(chip, new Mpu6050Settings { SampleRateHz = 200 });
        Assert.False(chip.IsAsleep);
        Assert.Equal(0x01, chip.Peek(0x6B)); // upstream: awake, PLL with X gyro
        Assert.Equal((byte)GyroscopeBandwidth.Bandwidth0092Hz, chip.Peek(0x1A));
        Assert.Equal(4, chip.Peek(0x19)); // 1 kHz / (1 + 4) = 200 Hz
        Assert.Equal(200.0, sensor.SampleRateHz);
        Assert.Equal(200.0, chip.SampleRateHz);
    }

    [Fact]
    public void Polled_reads_return_a_moving_board_near_one_g()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var chip = new Mpu6050Emulator(timeProvider: time);
        using var sensor = new Mpu6050Sensor(chip, Polled);
        var a = sensor.Read().AccelerationMilliG();
        time.Advance(TimeSpan.FromSeconds(2.5));
        var b = sensor.Read().AccelerationMilliG();
        double magnitude = Math.Sqrt(b[0] * b[0] + b[1] * b[1] + b[2] * (double)b[2]);
        Assert.InRange(magnitude, 980, 1020);
        Assert.True(Math.Abs(a[0] - b[0]) > 200, $"x should move: {a[0]} -> {b[0]}");
    }

    [Fact]
    public void Fifo_mode_switches_the_FIFO_on_and_returns_every_sample_once_in_order()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var chip = new Mpu6050Emulator(timeProvider: time) { FixedAngularRate = (10, 20, 30), FixedTemperature = 30 };
        using var sensor = new Mpu6050Sensor(chip, new Mpu6050Settings { SampleRateHz = 100 });
        Assert.Equal(0x40, chip.Peek(0x6A) & 0x40); // USER_CTRL.FIFO_EN, which upstream leaves off
        Assert.Equal(0xF8, chip.Peek(0x23)); // temperature, gyro X/Y/Z, accelerometer
        Assert.Empty(sensor.ReadFifo());

        time.Advance(TimeSpan.FromMilliseconds(250));
        var samples = sensor.ReadFifo();
        Assert.Equal(25, samples.Count);
        Assert.Equal(0, chip.FifoCount);
        Assert.All(samples, s => Assert.Equal([10_000, 20_000, 30_000], s.AngularRateMilliDps()));
        Assert.All(samples, s => Assert.Equal(3000, s.TemperatureCentiCelsius));
        // The built-in motion moves between samples: consecutive FIFO entries are distinct instants.
        Assert.True(samples.Select(s => s.AccelX).Distinct().Count() > 1);

        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Single(sensor.ReadFifo());
    }

    [Fact]
    public void A_FIFO_left_to_overflow_is_reported_and_reset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var chip = new Mpu6050Emulator(timeProvider: time);
        using var sensor = new Mpu6050Sensor(chip, new Mpu6050Settings { SampleRateHz = 100 });
        time.Advance(TimeSpan.FromSeconds(1)); // 100 samples × 14 bytes > 1024
        Assert.Empty(sensor.ReadFifo());
        Assert.Equal(1, sensor.FifoOverflows);
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(5, sensor.ReadFifo().Count);
    }

    [Fact]
    public void Upstream_alone_clears_the_gyro_range_with_the_bandwidth_and_leaves_the_FIFO_off()
    {
        // The two findings the wrapper works around, shown on the upstream driver by itself.
        using var chip = new Mpu6050Emulator();
        var upstream = new Iot.Device.Imu.Mpu6050(chip);
        upstream.GyroscopeRange = GyroscopeRange.Range0500Dps;
        Assert.Throws<IOException>(() => upstream.GyroscopeBandwidth = GyroscopeBandwidth.Bandwidth0041Hz);
        Assert.NotEqual((byte)GyroscopeRange.Range0500Dps << 3, chip.Peek(0x1B) & 0x18);
        upstream.FifoModes = FifoModes.Accelerometer;
        Assert.Equal(0, chip.Peek(0x6A) & 0x40);
    }

    [Fact]
    public void Full_scale_saturates_like_the_ADC()
    {
        using var chip = new Mpu6050Emulator { FixedAcceleration = (3.0, 0, 1) };
        using var sensor = new Mpu6050Sensor(chip, Polled);
        Assert.Equal(short.MaxValue, sensor.Read().AccelX);
    }

    [Fact]
    public void Wrong_id_throws_IOException_and_leaves_the_chip_untouched()
    {
        using var chip = new Mpu6050Emulator { Fault = I2cFault.WrongId };
        var error = Assert.Throws<IOException>(() => new Mpu6050Sensor(chip, Polled));
        Assert.Contains("0x71", error.Message, StringComparison.Ordinal);
        Assert.True(chip.IsAsleep);
    }

    [Fact]
    public void Nack_and_stuck_bus_are_IOExceptions_and_TryRead_recovers()
    {
        using var chip = new Mpu6050Emulator();
        using var sensor = new Mpu6050Sensor(chip, Polled);
        chip.Fault = I2cFault.Nack;
        Assert.False(sensor.TryRead(out _));
        Assert.Throws<IOException>(() => new Mpu6050Sensor(chip, Polled));
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
        using var sensor = new Mpu6050Sensor(chip, Polled);
        chip.Write([0x3F]);
        Span<byte> two = stackalloc byte[2];
        chip.Read(two);
        Assert.Equal(0x40, two[0]); // 16384 = 0x4000: ACCEL_ZOUT_H then _L
        Assert.Equal(0x00, two[1]);
    }
}
