using Iot.Device.Imu;

namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// One burst read of ACCEL_XOUT_H..GYRO_ZOUT_L (14 bytes), raw, with the ranges in force
/// when it was taken so the conversion cannot use the wrong scale.
/// </summary>
public readonly record struct Mpu6050Sample(
    short AccelX, short AccelY, short AccelZ,
    short RawTemperature,
    short GyroX, short GyroY, short GyroZ,
    AccelerometerRange AccelerometerRange,
    GyroscopeRange GyroscopeRange)
{
    public int[] AccelerationMilliG() =>
    [
        Mpu6050Scale.ToMilliG(AccelX, AccelerometerRange),
        Mpu6050Scale.ToMilliG(AccelY, AccelerometerRange),
        Mpu6050Scale.ToMilliG(AccelZ, AccelerometerRange),
    ];

    public int[] AngularRateMilliDps() =>
    [
        Mpu6050Scale.ToMilliDps(GyroX, GyroscopeRange),
        Mpu6050Scale.ToMilliDps(GyroY, GyroscopeRange),
        Mpu6050Scale.ToMilliDps(GyroZ, GyroscopeRange),
    ];

    public int TemperatureCentiCelsius => Mpu6050Scale.ToCentiCelsius(RawTemperature);
}
