using System.Buffers.Binary;
using System.Device.I2c;
using Iot.Device.Imu;
using SimIoT.Edge.Sensors.Mpu6050;

namespace SimIoT.Edge.Sensors.Emulation;

/// <summary>
/// Register-level MPU-6050. Power-on values from the register map (PWR_MGMT_1 = 0x40: asleep,
/// WHO_AM_I = 0x68, everything else 0). While awake, data registers hold the latest sample of
/// a slowly tumbling board with a little vibration noise, quantised to the configured sample
/// rate and scaled by the configured ranges; asleep, they keep their last value. With
/// USER_CTRL.FIFO_EN and FIFO_EN set, every sample at the output rate also goes into the
/// 1024-byte FIFO (register order, only the selected sensors), read through FIFO_COUNT and
/// FIFO_R_W; a full FIFO drops its oldest bytes and raises INT_STATUS.FIFO_OFLOW_INT.
/// </summary>
public sealed class Mpu6050Emulator : RegisterMapDevice
{
    private const byte SampleRateDivider = 0x19, Config = 0x1A, GyroConfig = 0x1B, AccelConfig = 0x1C, FifoEnable = 0x23;
    private const byte IntStatus = 0x3A, DataFirst = 0x3B, DataLast = 0x48, UserControl = 0x6A, PowerManagement1 = 0x6B;
    private const byte FifoCountHigh = 0x72, FifoCountLow = 0x73, FifoReadWrite = 0x74, WhoAmI = 0x75;
    private const int FifoCapacity = 1024;

    private readonly Random _noise;
    private readonly DateTimeOffset _epoch;
    private readonly Queue<byte> _fifo = new();
    private long _lastFifoSample;

    public Mpu6050Emulator(int busId = 1, byte address = Mpu6050Sensor.DefaultI2cAddress, TimeProvider? timeProvider = null, int seed = 6050)
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

    public bool IsAsleep => (Registers[PowerManagement1] & 0x40) != 0;

    /// <summary>Bytes waiting in the FIFO.</summary>
    public int FifoCount
    {
        get
        {
            lock (_fifo) return _fifo.Count;
        }
    }

    /// <summary>The output data rate: 8 kHz gyro output with the low-pass filter off (DLPF_CFG 0 or 7), else 1 kHz, / (1 + SMPLRT_DIV).</summary>
    public double SampleRateHz => ((Registers[Config] & 0x07) is 0 or 7 ? 8000.0 : 1000.0) / (1 + Registers[SampleRateDivider]);

    private bool FifoRunning => !IsAsleep && (Registers[UserControl] & 0x40) != 0 && Registers[FifoEnable] != 0;

    protected override void PowerOnReset()
    {
        Array.Clear(Registers);
        Registers[PowerManagement1] = 0x40;
        Registers[WhoAmI] = Mpu6050Sensor.ExpectedWhoAmI;
        lock (_fifo) _fifo.Clear();
    }

    protected override byte ReadRegister(byte register)
    {
        switch (register)
        {
            case WhoAmI when Fault == I2cFault.WrongId:
                return WrongIdValue;
            case IntStatus:
                // Interrupt status bits clear when read (register map section 4.16).
                byte status = Registers[IntStatus];
                Registers[IntStatus] = 0;
                return status;
            case FifoCountHigh:
                lock (_fifo) return (byte)(_fifo.Count >> 8);
            case FifoCountLow:
                lock (_fifo) return (byte)_fifo.Count;
            case FifoReadWrite:
                lock (_fifo) return _fifo.Count > 0 ? _fifo.Dequeue() : (byte)0;
            default:
                return base.ReadRegister(register);
        }
    }

    /// <summary>Burst reads of FIFO_R_W keep reading the FIFO (register map section 4.33).</summary>
    protected override byte NextReadRegister(byte register) => register == FifoReadWrite ? FifoReadWrite : base.NextReadRegister(register);

    /// <summary>
    /// Read-only: WHO_AM_I, the data registers, INT_STATUS and the FIFO count. ACCEL_CONFIG_2 (0x1D),
    /// which the MPU-6050 register map does not list but the upstream driver writes and reads back,
    /// keeps what is written as the register file does.
    /// </summary>
    protected override bool IsWritable(byte register) =>
        register is not (WhoAmI or IntStatus or FifoCountHigh or FifoCountLow or FifoReadWrite or (>= DataFirst and <= DataLast));

    protected override void OnWrite(byte register, byte value)
    {
        // DEVICE_RESET (PWR_MGMT_1 bit 7) restores the power-on values and clears itself.
        if (register == PowerManagement1 && (value & 0x80) != 0)
        {
            PowerOnReset();
            return;
        }

        if (register == UserControl)
        {
            // FIFO_RST (bit 2) and SIG_COND_RST (bit 0) clear themselves (register map section 4.29).
            if ((value & 0x04) != 0) lock (_fifo) _fifo.Clear();
            Registers[UserControl] = (byte)(value & ~0x05);
        }

        // The FIFO collects samples from the moment it is switched on, not from the epoch.
        if (register is UserControl or FifoEnable or SampleRateDivider or Config or PowerManagement1) _lastFifoSample = SampleIndexNow();
    }

    protected override void OnRead(byte register, int count)
    {
        if (IsAsleep) return;
        if (FifoRunning) FillFifo();
        if (register > DataLast || register + count <= DataFirst) return;
        double rate = SampleRateHz;
        Span<byte> sample = stackalloc byte[14];
        Measure(SampleIndexNow() / rate, sample);
        sample.CopyTo(Registers.AsSpan(DataFirst));
    }

    /// <summary>Samples taken since the epoch, in integer arithmetic so a sample instant never rounds to the one before.</summary>
    private long SampleIndexNow()
    {
        long baseHz = (Registers[Config] & 0x07) is 0 or 7 ? 8000 : 1000;
        return (Time.GetUtcNow() - _epoch).Ticks * baseHz / (TimeSpan.TicksPerSecond * (1 + Registers[SampleRateDivider]));
    }

    private void FillFifo()
    {
        long now = SampleIndexNow();
        if (now <= _lastFifoSample) return;
        double rate = SampleRateHz;
        byte enabled = Registers[FifoEnable];
        Span<byte> sample = stackalloc byte[14];
        // Older samples than a full FIFO's worth would be overwritten anyway: generate only the last ones.
        long first = Math.Max(_lastFifoSample + 1, now - FifoCapacity / 2);
        bool overflow = first > _lastFifoSample + 1;
        lock (_fifo)
        {
            for (long k = first; k <= now; k++)
            {
                Measure(k / rate, sample);
                // Register order: ACCEL (bit 3), TEMP (bit 7), XG (bit 6), YG (bit 5), ZG (bit 4).
                if ((enabled & 0x08) != 0) Push(sample[..6]);
                if ((enabled & 0x80) != 0) Push(sample[6..8]);
                if ((enabled & 0x40) != 0) Push(sample[8..10]);
                if ((enabled & 0x20) != 0) Push(sample[10..12]);
                if ((enabled & 0x10) != 0) Push(sample[12..14]);
            }

            while (_fifo.Count > FifoCapacity)
            {
                _fifo.Dequeue();
                overflow = true;
            }
        }

        if (overflow) Registers[IntStatus] |= 0x10;
        _lastFifoSample = now;
    }

    private void Push(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) _fifo.Enqueue(b);
    }

    /// <summary>The 14 data bytes (ACCEL_XOUT_H..GYRO_ZOUT_L) of the sample taken at <paramref name="t"/> seconds.</summary>
    private void Measure(double t, Span<byte> data)
    {
        var accelRange = (AccelerometerRange)((Registers[AccelConfig] >> 3) & 0x03);
        var gyroRange = (GyroscopeRange)((Registers[GyroConfig] >> 3) & 0x03);

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
        Store(data, 0, accel.X * lsbPerG);
        Store(data, 2, accel.Y * lsbPerG);
        Store(data, 4, accel.Z * lsbPerG);
        Store(data, 6, (temperature - 36.53) * 340);
        Store(data, 8, gyro.X * lsbPerDps);
        Store(data, 10, gyro.Y * lsbPerDps);
        Store(data, 12, gyro.Z * lsbPerDps);
    }

    private double Noise(double amplitude) => (_noise.NextDouble() * 2 - 1) * amplitude;

    private static void Store(Span<byte> data, int offset, double value)
    {
        // Saturates like the ADC at full scale.
        short raw = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        BinaryPrimitives.WriteInt16BigEndian(data[offset..], raw);
    }
}
