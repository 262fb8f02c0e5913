namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>
/// One compensated measurement. Pressure and humidity are null when their oversampling is
/// <see cref="Oversampling.Skipped"/> (the chip then outputs 0x80000 / 0x8000).
/// </summary>
public readonly record struct Bme280Sample(int TemperatureCentiCelsius, double? PressurePa, double? HumidityPercent)
{
    public double TemperatureCelsius => TemperatureCentiCelsius / 100.0;
}
