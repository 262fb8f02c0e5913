using Iot.Device.Imu;

namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// Sensitivity scale factors from the product specification PS-MPU-6000A-00 rev 3.4,
/// tables 6.1 (gyroscope) and 6.2 (accelerometer), and the temperature formula of the
/// register map section 4.18.
/// </summary>
public static class Mpu6050Scale
{
    /// <summary>LSB per g: 16384, 8192, 4096, 2048.</summary>
    public static int AccelerometerLsbPerG(AccelerometerRange range) => 16384 >> (int)range;

    /// <summary>LSB per degree/s times ten (131, 65.5, 32.8, 16.4 LSB/(°/s)), kept integral.</summary>
    public static int GyroscopeLsbPerTenDps(GyroscopeRange range) => range switch
    {
        GyroscopeRange.Range0250Dps => 1310,
        GyroscopeRange.Range0500Dps => 655,
        GyroscopeRange.Range1000Dps => 328,
        GyroscopeRange.Range2000Dps => 164,
        _ => throw new ArgumentOutOfRangeException(nameof(range)),
    };

    public static int ToMilliG(short raw, AccelerometerRange range) =>
        (int)Math.Round(raw * 1000.0 / AccelerometerLsbPerG(range), MidpointRounding.AwayFromZero);

    public static int ToMilliDps(short raw, GyroscopeRange range) =>
        (int)Math.Round(raw * 10000.0 / GyroscopeLsbPerTenDps(range), MidpointRounding.AwayFromZero);

    /// <summary>Temperature in °C = TEMP_OUT / 340 + 36.53; returned in centi-degrees.</summary>
    public static int ToCentiCelsius(short raw) =>
        (int)Math.Round(raw * 100.0 / 340.0 + 3653.0, MidpointRounding.AwayFromZero);
}
