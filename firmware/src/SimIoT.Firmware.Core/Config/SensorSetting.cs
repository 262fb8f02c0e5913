using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Config;

/// <summary>One sensor the node samples and how often.</summary>
public sealed class SensorSetting
{
    public SensorSetting(SensorKind kind, int rateHz)
    {
        Kind = kind;
        RateHz = rateHz;
    }

    public SensorKind Kind { get; }

    public int RateHz { get; }
}
