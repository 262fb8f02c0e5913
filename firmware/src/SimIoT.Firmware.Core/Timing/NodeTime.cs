namespace SimIoT.Firmware.Timing;

/// <summary>The timestamp a reading carries.</summary>
public static class NodeTime
{
    /// <summary>docs/mqtt.md: the sampling instant when the clock is SNTP time, else 0 so the agent stamps it on arrival.</summary>
    public static long Stamp(IClock clock) => clock.IsSynced ? clock.UnixMicroseconds : 0;
}
