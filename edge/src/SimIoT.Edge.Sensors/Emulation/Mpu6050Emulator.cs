using System.Buffers.Binary;
using System.Device.I2c;
using SimIoT.Edge.Sensors.Mpu6050;

namespace SimIoT.Edge.Sensors.Emulation;

/// <summary>
/// Register-level MPU-6050. Power-on values from the register map (PWR_MGMT_1 = 0x40: asleep,
/// WHO_AM_I = 0x68, everything else 0). While awake, data registers hold the latest sample of
/// a slowly tumbling board with a little vibration noise, quantised to the configured sample
/// rate and scaled by the configured ranges; asleep, they keep their last value.
/// </summary>
public sealed class Mpu6050Emulator : RegisterMapDevice
{
    private readonly Random _noise;
    private readonly DateTimeOffset _epoch;

    public Mpu6050Emulator(int busId = 1, byte address = Mpu6050.Mpu6050.DefaultI2cAddress, TimeProvider? timeProvider = null, int seed = 6050)
        : base(new I2cConnectionSettings(busId, address), timeProvider)
    {
        _noise = new Random(seed);
        _epoch = Time.GetUtcNow();
        PowerOnReset();
    }

    /// <summary>When set, the acceleration in g the chip measures instead of the built-in motion.</summary>
    public (double X, double Y, double Z)? FixedAcceleration { get; set; }

    /// <summary>When set, the angular rate in °/s instead of the built-in motion.</summary>
    public (double X, double Y, double Z)? FixedAngularRate { get; set; }

    /// <summary>When set, the die temperature in °C.</summary>
    public double? FixedTemperature { get; set; }

    /// <summary>The value the identity register reads under <see cref="I2cFault.WrongId"/> (0x71: an MPU-9250).</summary>
    public byte WrongIdValue { get; set; } = 0x71;

    public bool IsAsleep => (Registers[0x6B] & 0x40) != 0;

    protected override void PowerOnReset()
    {
        Array.Clear(Registers);
        Registers[0x6B] = 0x40;
        Registers[0x75] = Mpu6050.Mpu6050.ExpectedWhoAmI;
    }

    protected override byte ReadRegister(byte register) =>
        register == 0x75 && Fault == I2cFault.WrongId ? WrongIdValue : base.ReadRegister(register);

    protected override bool IsWritable(byte register) => register is not (0x75 or (>= 0x3B and <= 0x48));

    protected override void OnWrite(byte register, byte value)
    {
        // DEVICE_RESET (PWR_MGMT_1 bit 7) restores the power-on values and clears itself.
        if (register == 0x6B && (value & 0x80) != 0) PowerOnReset();
    }

    protected override void OnRead(byte register, int count)
    {
        if (IsAsleep || register > 0x48 || register + count <= 0x3B) return;
        var accelRange = (AccelerometerRange)((Registers[0x1C] >> 3) & 0x03);
        var gyroRange = (GyroscopeRange)((Registers[0x1B] >> 3) & 0x03);
        double rate = ((Registers[0x1A] & 0x07) is 0 or 7 ? 8000.0 : 1000.0) / (1 + Registers[0x19]);
        double elapsed = (Time.GetUtcNow() - _epoch).TotalSeconds;
        double t = Math.Floor(elapsed * rate) / rate;

        // A board tilting ±20° about X and Y with a 10 s and 13 s period, plus 5 mg / 0.3 °/s noise.
        double ax = 0.34 * Math.Sin(2 * Math.PI * t / 10), ay = 0.34 * Math.Sin(2 * Math.PI * t / 13);
        var accel = FixedAcceleration ?? (ax + Noise(0.005), ay + Noise(0.005), Math.Sqrt(1 - ax * ax - ay * ay) + Noise(0.005));
        var gyro = FixedAngularRate ?? (
            20 * 2 * Math.PI / 10 * Math.Cos(2 * Math.PI * t / 10) + Noise(0.3),
            20 * 2 * Math.PI / 13 * Math.Cos(2 * Math.PI * t / 13) + Noise(0.3),
            Noise(0.3));
        double temperature = FixedTemperature ?? 31.0 + 0.5 * Math.Sin(2 * Math.PI * t / 300);

        double lsbPerG = Mpu6050Scale.AccelerometerLsbPerG(accelRange);
        double lsbPerDps = Mpu6050Scale.GyroscopeLsbPerTenDps(gyroRange) / 10.0;
        Store(0x3B, accel.X * lsbPerG);
        Store(0x3D, accel.Y * lsbPerG);
        Store(0x3F, accel.Z * lsbPerG);
        Store(0x41, (temperature - 36.53) * 340);
        Store(0x43, gyro.X * lsbPerDps);
        Store(0x45, gyro.Y * lsbPerDps);
        Store(0x47, gyro.Z * lsbPerDps);
    }

    private double Noise(double amplitude) => (_noise.NextDouble() * 2 - 1) * amplitude;

    private void Store(int register, double value)
    {
        // Saturates like the ADC at full scale.
        short raw = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        BinaryPrimitives.WriteInt16BigEndian(Registers.AsSpan(register), raw);
    }
}
