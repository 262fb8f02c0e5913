namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// CONFIG DLPF_CFG (bits 2:0), register map section 4.3; names give the accelerometer
/// bandwidth. With the filter off the gyroscope output rate is 8 kHz, otherwise 1 kHz.
/// </summary>
public enum DigitalLowPassFilter : byte
{
    Off260Hz = 0,
    Bandwidth184Hz = 1,
    Bandwidth94Hz = 2,
    Bandwidth44Hz = 3,
    Bandwidth21Hz = 4,
    Bandwidth10Hz = 5,
    Bandwidth5Hz = 6,
}
