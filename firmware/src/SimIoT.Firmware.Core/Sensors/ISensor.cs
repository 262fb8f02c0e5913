namespace SimIoT.Firmware.Sensors;

/// <summary>A source of one kind of reading; Open (again) after a failure re-initialises the chip.</summary>
public interface ISensor
{
    SensorKind Kind { get; }

    /// <summary>Checks the chip's identity and configures it; throws <see cref="SensorException"/>.</summary>
    void Open();

    /// <summary>Fills the first <see cref="SensorKinds.Axes"/> values; throws <see cref="SensorException"/>.</summary>
    void Read(int[] values);
}
