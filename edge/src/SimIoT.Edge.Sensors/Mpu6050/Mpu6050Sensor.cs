using System.Buffers.Binary;
using System.Device.I2c;
using Iot.Device.Imu;
using UpstreamMpu6050 = Iot.Device.Imu.Mpu6050;

namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// The MPU-6050 through dotnet/iot's <see cref="UpstreamMpu6050"/> (Iot.Device.Bindings), wrapped
/// where the agent needs more than it offers or where it does not fit the MPU-6050 (each case is
/// named in the README): the identity check names the id it found, the gyroscope bandwidth is set
/// before the range, the FIFO is switched on in USER_CTRL, samples are taken from the FIFO in
/// bursts at 100 Hz and above, and the raw counts are recovered so that the datasheet scale factors
/// and temperature formula apply.
/// </summary>
public sealed class Mpu6050Sensor : IDisposable
{
    public const byte DefaultI2cAddress = UpstreamMpu6050.DefaultI2cAddress;
    public const byte SecondaryI2cAddress = UpstreamMpu6050.SecondI2cAddress;

    /// <summary>WHO_AM_I reset value, register map section 4.32.</summary>
    public const byte ExpectedWhoAmI = 0x68;

    /// <summary>The FIFO is 1024 bytes (register map section 4.33); one sample of all sensors is 14.</summary>
    public const int FifoSize = 1024, FifoFrameSize = 14;

    private const byte WhoAmIRegister = 0x75, UserControlRegister = 0x6A, InterruptStatusRegister = 0x3A;
    private const byte FifoEnableBit = 0x40, FifoResetBit = 0x04, FifoOverflowBit = 0x10;
    private const FifoModes AllSensors = FifoModes.Accelerometer | FifoModes.Temperature | FifoModes.GyroscopeX | FifoModes.GyroscopeY | FifoModes.GyroscopeZ;

    private readonly I2cDevice _device;
    private readonly UpstreamMpu6050 _driver;

    public Mpu6050Sensor(I2cDevice device, Mpu6050Settings settings)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));

        // Upstream resets the chip before it checks WHO_AM_I and then only says "not a MPU6050";
        // checking first keeps a foreign chip untouched and names what answered.
        byte id = ReadRegister(WhoAmIRegister);
        if (id != ExpectedWhoAmI) throw new IOException($"MPU-6050 not found: WHO_AM_I is 0x{id:X2}, expected 0x{ExpectedWhoAmI:X2}");

        _driver = new UpstreamMpu6050(device);
        // Upstream's GyroscopeBandwidth setter writes the range enum unshifted into GYRO_CONFIG,
        // which clears FS_SEL: set the bandwidth first, the range after it.
        _driver.GyroscopeBandwidth = settings.Bandwidth;
        _driver.GyroscopeRange = settings.GyroscopeRange;
        _driver.AccelerometerRange = settings.AccelerometerRange;
        _driver.SampleRateDivider = settings.SampleRateDivider;
        if (settings.UsesFifo) StartFifo();
    }

    public Mpu6050Settings Settings { get; }

    /// <summary>The chip's output data rate (1 kHz / (1 + SMPLRT_DIV) with the low-pass filter on).</summary>
    public double SampleRateHz => 1000.0 / (1 + Settings.SampleRateDivider);

    /// <summary>How often the FIFO overflowed (samples lost) and was reset.</summary>
    public long FifoOverflows { get; private set; }

    public bool CheckIdentity()
    {
        try
        {
            return ReadRegister(WhoAmIRegister) == ExpectedWhoAmI;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>One sample through upstream's accelerometer, gyroscope and temperature reads (below 100 Hz).</summary>
    public Mpu6050Sample Read()
    {
        var acceleration = _driver.GetAccelerometer();
        float accelerationScale = _driver.AccelerationScale;
        var rate = _driver.GetGyroscopeReading();
        float rateScale = _driver.GyroscopeScale;
        // Upstream converts with the MPU-9250's formula, (raw - 21) / 333.87 + 21 °C; the MPU-6050's
        // is raw / 340 + 36.53 (register map section 4.18): undo upstream's to get the raw count back.
        double upstreamCelsius = _driver.GetTemperature().DegreesCelsius;
        return new Mpu6050Sample(
            Raw(acceleration.X / accelerationScale), Raw(acceleration.Y / accelerationScale), Raw(acceleration.Z / accelerationScale),
            Raw((upstreamCelsius - 21) * 333.87 + 21),
            Raw(rate.X / rateScale), Raw(rate.Y / rateScale), Raw(rate.Z / rateScale),
            Settings.AccelerometerRange, Settings.GyroscopeRange);
    }

    /// <summary>
    /// Every whole sample waiting in the FIFO, oldest first (at most 73). After an overflow the
    /// FIFO is reset and nothing is returned: its contents may no longer start on a sample boundary.
    /// </summary>
    public IReadOnlyList<Mpu6050Sample> ReadFifo()
    {
        if (!Settings.UsesFifo) throw new InvalidOperationException($"the FIFO is used from {Mpu6050Settings.FifoFromHz} Hz on");
        if ((ReadRegister(InterruptStatusRegister) & FifoOverflowBit) != 0)
        {
            FifoOverflows++;
            StartFifo();
            return [];
        }

        int frames = (int)(_driver.FifoCount / FifoFrameSize);
        if (frames == 0) return [];
        var data = new byte[frames * FifoFrameSize];
        _driver.ReadFifo(data);
        var samples = new Mpu6050Sample[frames];
        for (int i = 0; i < frames; i++)
        {
            // FIFO order is register order (register map section 4.7): accel XYZ, temperature, gyro XYZ.
            var f = data.AsSpan(i * FifoFrameSize, FifoFrameSize);
            samples[i] = new Mpu6050Sample(
                BinaryPrimitives.ReadInt16BigEndian(f), BinaryPrimitives.ReadInt16BigEndian(f[2..]), BinaryPrimitives.ReadInt16BigEndian(f[4..]),
                BinaryPrimitives.ReadInt16BigEndian(f[6..]),
                BinaryPrimitives.ReadInt16BigEndian(f[8..]), BinaryPrimitives.ReadInt16BigEndian(f[10..]), BinaryPrimitives.ReadInt16BigEndian(f[12..]),
                Settings.AccelerometerRange, Settings.GyroscopeRange);
        }

        return samples;
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

    /// <summary>Disposes upstream's driver, which disposes the <see cref="I2cDevice"/> it was given.</summary>
    public void Dispose() => _driver.Dispose();

    private void StartFifo()
    {
        // Upstream's FifoModes setter selects the sensors and pulses USER_CTRL.FIFO_RST but never sets
        // USER_CTRL.FIFO_EN, without which the FIFO neither fills nor reads (register map section 4.29).
        _driver.FifoModes = AllSensors;
        byte userControl = ReadRegister(UserControlRegister);
        WriteRegister(UserControlRegister, (byte)((userControl | FifoEnableBit | FifoResetBit) & 0xFF));
    }

    private static short Raw(double value) => (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);

    private byte ReadRegister(byte register)
    {
        Span<byte> value = stackalloc byte[1];
        _device.WriteRead([register], value);
        return value[0];
    }

    private void WriteRegister(byte register, byte value) => _device.Write([register, value]);
}
