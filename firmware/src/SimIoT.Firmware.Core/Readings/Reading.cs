using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Readings;

/// <summary>One sample of one sensor: a ring slot, reused (no allocation per sample on the device).</summary>
public sealed class Reading
{
    public SensorKind Kind { get; set; }

    /// <summary>Microseconds since 1970 when the clock was synced at sampling, else 0 (the agent stamps it on arrival).</summary>
    public long UnixMicroseconds { get; set; }

    /// <summary>Values by axis; the first <see cref="SensorKinds.Axes"/> count.</summary>
    public int[] Values { get; } = new int[3];

    /// <summary>Counts readings in sampling order, so duplicates and gaps can be told apart.</summary>
    public long Sequence { get; set; }
}
