using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Firmware.Node;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Tests.Sensors;

/// <summary>The core's MPU-6050 reads against the agent's register-level emulator.</summary>
public class Mpu6050Tests
{
    [Fact]
    public void Open_wakes_the_chip_and_sets_the_ranges_and_rate()
    {
        using var chip = new Mpu6050Emulator();
        Assert.True(chip.IsAsleep);
        new Mpu6050(new I2cDeviceAdapter(chip)).Open();
        Assert.False(chip.IsAsleep);
        Assert.Equal((0x01, 0x03, 9, 0, 0), (chip.Peek(0x6B), chip.Peek(0x1A), chip.Peek(0x19), chip.Peek(0x1B), chip.Peek(0x1C)));
    }

    [Fact]
    public void Acceleration_and_angular_rate_are_read_in_milli_g_and_milli_degrees_per_second()
    {
        using var chip = new Mpu6050Emulator { FixedAcceleration = (0.5, -0.25, 1.0), FixedAngularRate = (10, -200, 0.5) };
        var mpu = new Mpu6050(new I2cDeviceAdapter(chip));
        mpu.Open();
        int[] values = new int[3];
        mpu.ReadAccelerationMilliG(values);
        Assert.Equal([500, -250, 1000], values);
        mpu.ReadAngularRateMilliDps(values);
        // 131 LSB per °/s: 10 °/s = 1310 LSB -> 10000; -200 -> -26200 LSB -> -200000; 0.5 -> 66 LSB (rounded) -> 504 (66 / 131 = 0.5038).
        Assert.Equal([10000, -200000, 504], values);
    }

    [Theory]
    [InlineData(16383, 1000, 16384, 1000)] // 999.94 -> 1000
    [InlineData(-8, 1000, 16384, 0)] // -0.49 -> 0
    [InlineData(-9, 1000, 16384, -1)] // -0.55 -> -1
    [InlineData(131, 10000, 1310, 1000)]
    [InlineData(short.MinValue, 10000, 1310, -250137)]
    public void Scaling_rounds_half_away_from_zero_in_integers(short raw, int scale, int lsb, int expected) =>
        Assert.Equal(expected, Mpu6050.Scale(raw, scale, lsb));

    [Fact]
    public void Another_chip_at_the_address_or_no_answer_is_a_sensor_exception()
    {
        using var chip = new Mpu6050Emulator { Fault = I2cFault.WrongId };
        var mpu = new Mpu6050(new I2cDeviceAdapter(chip));
        Assert.Contains("WHO_AM_I is 113", Assert.Throws<SensorException>(mpu.Open).Message, StringComparison.Ordinal);
        chip.Fault = I2cFault.Nack;
        Assert.StartsWith("I2C 0x68", Assert.Throws<SensorException>(mpu.Open).Message, StringComparison.Ordinal);
    }
}
