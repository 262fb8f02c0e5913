namespace SimIoT.Firmware.Sensors;

/// <summary>A <see cref="SensorKind"/> read from its chip: imu and gyro from the MPU-6050, temp from the BME280.</summary>
public sealed class ChipSensor : ISensor
{
    private readonly Mpu6050? _mpu;
    private readonly Bme280? _bme;

    private ChipSensor(SensorKind kind, Mpu6050? mpu, Bme280? bme)
    {
        Kind = kind;
        _mpu = mpu;
        _bme = bme;
    }

    public SensorKind Kind { get; }

    public static ChipSensor Accelerometer(Mpu6050 chip) => new ChipSensor(SensorKind.Imu, chip, null);

    public static ChipSensor Gyroscope(Mpu6050 chip) => new ChipSensor(SensorKind.Gyro, chip, null);

    public static ChipSensor Temperature(Bme280 chip) => new ChipSensor(SensorKind.Temp, null, chip);

    public void Open()
    {
        if (_mpu != null) _mpu.Open();
        else _bme!.Open();
    }

    public void Read(int[] values)
    {
        if (Kind == SensorKind.Imu) _mpu!.ReadAccelerationMilliG(values);
        else if (Kind == SensorKind.Gyro) _mpu!.ReadAngularRateMilliDps(values);
        else values[0] = _bme!.ReadTemperatureCentiCelsius();
    }
}
