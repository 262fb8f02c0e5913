namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>GYRO_CONFIG FS_SEL (bits 4:3), register map section 4.4.</summary>
public enum GyroscopeRange : byte
{
    PlusMinus250Dps = 0,
    PlusMinus500Dps = 1,
    PlusMinus1000Dps = 2,
    PlusMinus2000Dps = 3,
}
