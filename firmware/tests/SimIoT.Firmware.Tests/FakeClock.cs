using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware.Tests;

/// <summary>A clock that moves only when the node sleeps (or the test says so); records every sleep.</summary>
internal sealed class FakeClock : IClock, ISleeper
{
    public long UptimeMilliseconds { get; set; }

    public bool IsSynced { get; set; }

    public long UnixMicroseconds { get; set; } = 1_772_366_400_000_000;

    public List<int> Sleeps { get; } = [];

    public void Advance(long milliseconds)
    {
        UptimeMilliseconds += milliseconds;
        UnixMicroseconds += milliseconds * 1000;
    }

    public void Sleep(int milliseconds)
    {
        Sleeps.Add(milliseconds);
        Advance(milliseconds);
    }
}
