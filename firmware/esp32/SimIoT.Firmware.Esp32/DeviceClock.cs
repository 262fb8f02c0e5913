using System;
using System.Threading;
using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware.Esp32
{
    /// <summary>
    /// The ESP32's clocks. nanoFramework's mscorlib has no monotonic tick count, so uptime is built from
    /// wall-clock steps, each clamped to [0, 1 s]: the SNTP jump from 1970 to today (or any later
    /// correction) then moves uptime by at most a second instead of by decades. The loop reads it
    /// at least every 100 ms, so real steps are never clamped.
    /// </summary>
    internal sealed class DeviceClock : IClock, ISleeper
    {
        private static readonly DateTime Plausible = new DateTime(2024, 1, 1);
        private long _lastTicks = DateTime.UtcNow.Ticks;
        private long _uptimeTicks;

        public long UptimeMilliseconds
        {
            get
            {
                long now = DateTime.UtcNow.Ticks, step = now - _lastTicks;
                _lastTicks = now;
                if (step > 0) _uptimeTicks += step > TimeSpan.TicksPerSecond ? TimeSpan.TicksPerSecond : step;
                return _uptimeTicks / TimeSpan.TicksPerMillisecond;
            }
        }

        /// <summary>The ESP32 boots in 1970; a date after 2024 can only have come from SNTP.</summary>
        public bool IsSynced => DateTime.UtcNow > Plausible;

        public long UnixMicroseconds => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

        public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);
    }
}
