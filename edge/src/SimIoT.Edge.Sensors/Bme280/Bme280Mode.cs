namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>ctrl_meas mode[1:0], datasheet table 25 (01 and 10 both mean forced).</summary>
public enum Bme280Mode : byte
{
    Sleep = 0,
    Forced = 1,
    Normal = 3,
}
