namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>
/// Configuration applied by the constructor. The defaults are the datasheet's "indoor
/// navigation" profile (section 3.5.3) loosened to x1 humidity: normal mode, 0.5 ms standby.
/// </summary>
public sealed record Bme280Settings
{
    public Oversampling Temperature { get; init; } = Oversampling.X2;
    public Oversampling Pressure { get; init; } = Oversampling.X16;
    public Oversampling Humidity { get; init; } = Oversampling.X1;
    public FilterCoefficient Filter { get; init; } = FilterCoefficient.X16;
    public StandbyTime Standby { get; init; } = StandbyTime.Ms0_5;
    public Bme280Mode Mode { get; init; } = Bme280Mode.Normal;
}
