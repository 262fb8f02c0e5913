namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// Registers used by the driver, named as in InvenSense RM-MPU-6000A-00 rev 4.2
/// ("MPU-6000 and MPU-6050 Register Map and Descriptions"), section 3.
/// </summary>
internal enum Mpu6050Register : byte
{
    SMPLRT_DIV = 0x19,
    CONFIG = 0x1A,
    GYRO_CONFIG = 0x1B,
    ACCEL_CONFIG = 0x1C,
    ACCEL_XOUT_H = 0x3B,
    TEMP_OUT_H = 0x41,
    GYRO_XOUT_H = 0x43,
    PWR_MGMT_1 = 0x6B,
    PWR_MGMT_2 = 0x6C,
    WHO_AM_I = 0x75,
}
