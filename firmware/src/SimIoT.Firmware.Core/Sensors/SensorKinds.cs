namespace SimIoT.Firmware.Sensors;

/// <summary>Names and axis counts of <see cref="SensorKind"/>, as the agent's device catalog has them.</summary>
public static class SensorKinds
{
    public static string Nickname(SensorKind kind)
    {
        switch (kind)
        {
            case SensorKind.Imu: return "imu";
            case SensorKind.Gyro: return "gyro";
            default: return "temp";
        }
    }

    public static int Axes(SensorKind kind) => kind == SensorKind.Temp ? 1 : 3;

    /// <summary>Rates the agent samples its own sensors at (edge README): 100 Hz for the MPU-6050, 1 Hz for the BME280.</summary>
    public static int DefaultRateHz(SensorKind kind) => kind == SensorKind.Temp ? 1 : 100;

    public static bool TryParse(string name, out SensorKind kind)
    {
        kind = SensorKind.Imu;
        if (name == "imu") return true;
        kind = SensorKind.Gyro;
        if (name == "gyro") return true;
        kind = SensorKind.Temp;
        return name == "temp";
    }
}
