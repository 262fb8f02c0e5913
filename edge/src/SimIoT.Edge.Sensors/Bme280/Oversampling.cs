namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>osrs_h / osrs_t / osrs_p codes, datasheet tables 20, 22 and 24. Skipped yields 0x80000 (0x8000 for humidity).</summary>
public enum Oversampling : byte
{
    Skipped = 0,
    X1 = 1,
    X2 = 2,
    X4 = 3,
    X8 = 4,
    X16 = 5,
}
