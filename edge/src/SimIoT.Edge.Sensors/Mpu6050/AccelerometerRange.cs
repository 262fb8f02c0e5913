namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>ACCEL_CONFIG AFS_SEL (bits 4:3), register map section 4.5.</summary>
public enum AccelerometerRange : byte
{
    PlusMinus2G = 0,
    PlusMinus4G = 1,
    PlusMinus8G = 2,
    PlusMinus16G = 3,
}
