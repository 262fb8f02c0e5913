namespace SimIoT.Firmware.Timing;

/// <summary>The node's clocks: a monotonic one for scheduling and the wall clock SNTP sets.</summary>
public interface IClock
{
    /// <summary>Milliseconds since boot; never jumps (SNTP does not move it).</summary>
    long UptimeMilliseconds { get; }

    /// <summary>Whether the wall clock was set by SNTP; before that it is the chip's 1970-or-so guess.</summary>
    bool IsSynced { get; }

    /// <summary>Wall-clock microseconds since 1970-01-01T00:00:00Z.</summary>
    long UnixMicroseconds { get; }
}
