namespace SimIoT.Firmware.Sensors;

/// <summary>
/// The MPU-6050 register reads a node needs (register map rev 4.2): WHO_AM_I, wake-up with the
/// PLL clock, ±2 g and ±250 °/s, and the big-endian data registers scaled to milli-g and
/// milli-°/s with rounding half away from zero (as the agent's driver).
/// </summary>
public sealed class Mpu6050
{
    public const byte DefaultAddress = 0x68;
    private const byte WhoAmI = 0x75, PwrMgmt1 = 0x6B, PwrMgmt2 = 0x6C, Config = 0x1A, SmplrtDiv = 0x19, GyroConfig = 0x1B, AccelConfig = 0x1C;
    private const byte AccelXoutH = 0x3B, GyroXoutH = 0x43;
    private const int LsbPerG = 16384, LsbPerTenDps = 1310; // ±2 g, ±250 °/s (register map 4.17, 4.19)

    private readonly ChipRegisters _registers;
    private readonly byte[] _axes = new byte[6];

    public Mpu6050(II2cDevice device)
    {
        _registers = new ChipRegisters(device);
    }

    public void Open()
    {
        byte id = _registers.Read(WhoAmI);
        if (id != 0x68) throw new SensorException("MPU-6050 not found: WHO_AM_I is " + id + ", expected 104 (0x68)");
        _registers.Write(PwrMgmt1, 0x01); // out of sleep, clock from the X gyro's PLL (4.28)
        _registers.Write(PwrMgmt2, 0x00);
        _registers.Write(Config, 0x03); // DLPF 44 Hz: gyro output rate 1 kHz
        _registers.Write(SmplrtDiv, 9); // 1 kHz / (1 + 9) = 100 Hz, the agent's IMU rate
        _registers.Write(GyroConfig, 0x00);
        _registers.Write(AccelConfig, 0x00);
    }

    public void ReadAccelerationMilliG(int[] values) => ReadAxes(AccelXoutH, values, 1000, LsbPerG);

    public void ReadAngularRateMilliDps(int[] values) => ReadAxes(GyroXoutH, values, 10000, LsbPerTenDps);

    /// <summary>round(raw * scale / lsb), halves away from zero, in integers.</summary>
    internal static int Scale(short raw, int scale, int lsb)
    {
        long n = (long)raw * scale;
        return n >= 0 ? (int)((n + lsb / 2) / lsb) : -(int)((-n + lsb / 2) / lsb);
    }

    private void ReadAxes(byte first, int[] values, int scale, int lsb)
    {
        _registers.ReadBlock(first, _axes);
        for (int i = 0; i < 3; i++) values[i] = Scale((short)(_axes[2 * i] << 8 | _axes[2 * i + 1]), scale, lsb);
    }
}
