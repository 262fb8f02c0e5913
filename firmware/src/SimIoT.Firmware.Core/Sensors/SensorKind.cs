namespace SimIoT.Firmware.Sensors;

/// <summary>The catalog devices a node can publish (docs/mqtt.md): the topic's last segment.</summary>
public enum SensorKind
{
    /// <summary>MPU-6050 accelerometer: x, y, z in milli-g.</summary>
    Imu,

    /// <summary>MPU-6050 gyroscope: x, y, z in milli-degrees/s.</summary>
    Gyro,

    /// <summary>BME280 temperature: one value in centi-°C.</summary>
    Temp,
}
