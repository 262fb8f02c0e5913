namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>config filter[2:0], datasheet table 28 (IIR filter coefficient).</summary>
public enum FilterCoefficient : byte
{
    Off = 0,
    X2 = 1,
    X4 = 2,
    X8 = 3,
    X16 = 4,
}
