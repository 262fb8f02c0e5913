using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.PowerMode;

namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>
/// Oversampling, IIR filter, standby and mode (datasheet sections 3.4–3.6, 5.4.3–5.4.6), in the
/// upstream driver's types. The defaults are the datasheet's "indoor navigation" profile (table 7).
/// </summary>
public sealed record Bme280Settings
{
    public Sampling Temperature { get; init; } = Sampling.LowPower;
    public Sampling Pressure { get; init; } = Sampling.UltraHighResolution;
    public Sampling Humidity { get; init; } = Sampling.UltraLowPower;
    public Bmx280FilteringMode Filter { get; init; } = Bmx280FilteringMode.X16;
    public StandbyTime Standby { get; init; } = StandbyTime.Ms0_5;
    public Bmx280PowerMode Mode { get; init; } = Bmx280PowerMode.Normal;
}
