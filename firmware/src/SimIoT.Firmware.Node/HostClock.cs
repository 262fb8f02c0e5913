using System.Diagnostics;
using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware.Node;

/// <summary>The host's clocks: a stopwatch for uptime, the system clock (NTP-kept) as SNTP time, Thread.Sleep.</summary>
public sealed class HostClock(bool synced) : IClock, ISleeper
{
    private readonly Stopwatch _uptime = Stopwatch.StartNew();

    public long UptimeMilliseconds => _uptime.ElapsedMilliseconds;

    public bool IsSynced => synced;

    public long UnixMicroseconds => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

    public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);
}
