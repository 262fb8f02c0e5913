using System.Buffers.Binary;
using System.Device.I2c;

namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// InvenSense MPU-6050 accelerometer + gyroscope over I2C. Written from PS-MPU-6000A-00
/// rev 3.4 and RM-MPU-6000A-00 rev 4.2. The constructor checks WHO_AM_I, wakes the chip
/// and applies the configuration; a mismatch or a bus error throws <see cref="IOException"/>.
/// </summary>
public sealed class Mpu6050 : IDisposable
{
    /// <summary>AD0 low (PS section 9.2); <see cref="SecondaryI2cAddress"/> with AD0 high.</summary>
    public const byte DefaultI2cAddress = 0x68;
    public const byte SecondaryI2cAddress = 0x69;

    /// <summary>WHO_AM_I reset value, register map section 4.32 (bits 6:1 of the address).</summary>
    public const byte ExpectedWhoAmI = 0x68;

    // PWR_MGMT_1: SLEEP is bit 6; CLKSEL=1 selects the PLL with the X gyro as reference, which
    // the register map (section 4.28) recommends over the internal 8 MHz oscillator.
    private const byte ClockPllXGyro = 0x01;
    private const byte SleepBit = 0x40;

    private readonly I2cDevice _device;
    private readonly bool _ownsDevice;
    private AccelerometerRange _accelerometerRange;
    private GyroscopeRange _gyroscopeRange;
    private DigitalLowPassFilter _filter;
    private byte _sampleRateDivider;

    public Mpu6050(I2cDevice device, Mpu6050Settings? settings = null, bool ownsDevice = false)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _ownsDevice = ownsDevice;
        settings ??= new Mpu6050Settings();

        byte id = ReadRegister(Mpu6050Register.WHO_AM_I);
        if (id != ExpectedWhoAmI)
        {
            throw new IOException($"MPU-6050 not found: WHO_AM_I is 0x{id:X2}, expected 0x{ExpectedWhoAmI:X2}");
        }

        // Out of reset the chip sleeps (PWR_MGMT_1 = 0x40, register map section 4.28). The gyro
        // needs 30 ms to start (PS table 6.1, "Startup Time"); the first samples may be settling,
        // which the scheduler tolerates, so no sleep here.
        WriteRegister(Mpu6050Register.PWR_MGMT_1, ClockPllXGyro);
        WriteRegister(Mpu6050Register.PWR_MGMT_2, 0x00);
        Filter = settings.Filter;
        SampleRateDivider = settings.SampleRateDivider;
        AccelerometerRange = settings.AccelerometerRange;
        GyroscopeRange = settings.GyroscopeRange;
    }

    public AccelerometerRange AccelerometerRange
    {
        get => _accelerometerRange;
        set
        {
            WriteRegister(Mpu6050Register.ACCEL_CONFIG, (byte)((byte)value << 3));
            _accelerometerRange = value;
        }
    }

    public GyroscopeRange GyroscopeRange
    {
        get => _gyroscopeRange;
        set
        {
            WriteRegister(Mpu6050Register.GYRO_CONFIG, (byte)((byte)value << 3));
            _gyroscopeRange = value;
        }
    }

    public DigitalLowPassFilter Filter
    {
        get => _filter;
        set
        {
            WriteRegister(Mpu6050Register.CONFIG, (byte)value);
            _filter = value;
        }
    }

    /// <summary>Sample rate = gyroscope output rate / (1 + SMPLRT_DIV), register map section 4.2.</summary>
    public byte SampleRateDivider
    {
        get => _sampleRateDivider;
        set
        {
            WriteRegister(Mpu6050Register.SMPLRT_DIV, value);
            _sampleRateDivider = value;
        }
    }

    /// <summary>The output data rate the chip runs at with the current filter and divider.</summary>
    public double SampleRateHz => (_filter == DigitalLowPassFilter.Off260Hz ? 8000.0 : 1000.0) / (1 + _sampleRateDivider);

    /// <summary>Re-reads WHO_AM_I: false when another chip (or none) answers.</summary>
    public bool CheckIdentity()
    {
        try
        {
            return ReadRegister(Mpu6050Register.WHO_AM_I) == ExpectedWhoAmI;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>One burst read of the 14 data bytes, so all axes come from the same sample instant.</summary>
    public Mpu6050Sample Read()
    {
        Span<byte> data = stackalloc byte[14];
        _device.WriteRead([(byte)Mpu6050Register.ACCEL_XOUT_H], data);
        return new Mpu6050Sample(
            BinaryPrimitives.ReadInt16BigEndian(data),
            BinaryPrimitives.ReadInt16BigEndian(data[2..]),
            BinaryPrimitives.ReadInt16BigEndian(data[4..]),
            BinaryPrimitives.ReadInt16BigEndian(data[6..]),
            BinaryPrimitives.ReadInt16BigEndian(data[8..]),
            BinaryPrimitives.ReadInt16BigEndian(data[10..]),
            BinaryPrimitives.ReadInt16BigEndian(data[12..]),
            _accelerometerRange,
            _gyroscopeRange);
    }

    public bool TryRead(out Mpu6050Sample sample)
    {
        try
        {
            sample = Read();
            return true;
        }
        catch (IOException)
        {
            sample = default;
            return false;
        }
    }

    /// <summary>Puts the chip to sleep (PWR_MGMT_1 SLEEP), about 5 µA (PS table 6.3).</summary>
    public void Sleep() => WriteRegister(Mpu6050Register.PWR_MGMT_1, SleepBit | ClockPllXGyro);

    public void Dispose()
    {
        if (_ownsDevice) _device.Dispose();
    }

    private byte ReadRegister(Mpu6050Register register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([(byte)register], value);
        return value[0];
    }

    private void WriteRegister(Mpu6050Register register, byte value) => _device.Write([(byte)register, value]);
}
