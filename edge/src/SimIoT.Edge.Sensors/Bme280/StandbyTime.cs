namespace SimIoT.Edge.Sensors.Bme280;

/// <summary>config t_sb[2:0], the pause between measurements in normal mode, datasheet table 27.</summary>
public enum StandbyTime : byte
{
    Ms0_5 = 0,
    Ms62_5 = 1,
    Ms125 = 2,
    Ms250 = 3,
    Ms500 = 4,
    Ms1000 = 5,
    Ms10 = 6,
    Ms20 = 7,
}
