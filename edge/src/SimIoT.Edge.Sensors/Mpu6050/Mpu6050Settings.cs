using Iot.Device.Imu;

namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>How <see cref="Mpu6050Sensor"/> configures the chip through the upstream driver.</summary>
public sealed record Mpu6050Settings
{
    /// <summary>From this output rate on, samples are collected in the chip's FIFO and read in bursts.</summary>
    public const double FifoFromHz = 100;

    public AccelerometerRange AccelerometerRange { get; init; } = AccelerometerRange.Range02G;

    public GyroscopeRange GyroscopeRange { get; init; } = GyroscopeRange.Range0250Dps;

    /// <summary>The output data rate in samples per second (1 kHz / (1 + SMPLRT_DIV) with the low-pass filter on).</summary>
    public double SampleRateHz { get; init; } = 100;

    public bool UsesFifo => SampleRateHz >= FifoFromHz;

    /// <summary>
    /// SMPLRT_DIV (register map section 4.2). Only in FIFO mode: when polled, the chip runs at 1 kHz
    /// and the divider stays 0, because the upstream driver divides its scale by (1 + SMPLRT_DIV).
    /// </summary>
    public byte SampleRateDivider => UsesFifo ? (byte)Math.Clamp(Math.Round(1000 / SampleRateHz) - 1, 0, 255) : (byte)0;

    /// <summary>The widest digital low-pass filter (CONFIG DLPF_CFG) at or below half the sample rate, against aliasing.</summary>
    public GyroscopeBandwidth Bandwidth => SampleRateHz switch
    {
        >= 400 => GyroscopeBandwidth.Bandwidth0184Hz,
        >= 200 => GyroscopeBandwidth.Bandwidth0092Hz,
        >= 100 => GyroscopeBandwidth.Bandwidth0041Hz,
        >= 50 => GyroscopeBandwidth.Bandwidth0020Hz,
        >= 20 => GyroscopeBandwidth.Bandwidth0010Hz,
        _ => GyroscopeBandwidth.Bandwidth0005Hz,
    };
}
