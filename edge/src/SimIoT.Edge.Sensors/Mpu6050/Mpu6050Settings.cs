namespace SimIoT.Edge.Sensors.Mpu6050;

/// <summary>
/// Configuration applied by the constructor. The defaults (±2 g, ±250 °/s, 44 Hz filter,
/// divider 9 = 100 Hz output) suit slow motion sensing sampled at up to 100 Hz.
/// </summary>
public sealed record Mpu6050Settings
{
    public AccelerometerRange AccelerometerRange { get; init; } = AccelerometerRange.PlusMinus2G;
    public GyroscopeRange GyroscopeRange { get; init; } = GyroscopeRange.PlusMinus250Dps;
    public DigitalLowPassFilter Filter { get; init; } = DigitalLowPassFilter.Bandwidth44Hz;
    public byte SampleRateDivider { get; init; } = 9;
}
