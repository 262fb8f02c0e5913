using System;
using System.Threading;
using SimIoT.Firmware.Timing;

namespace SimIoT.Firmware.Esp32
{
    /// <summary>
    /// The ESP32's clocks. nanoFramework's mscorlib has no monotonic tick count, so uptime is built from
    /// wall-clock steps, each clamped to [0, 60 s]: the SNTP jump from 1970 to today moves uptime by at
    /// most a minute instead of by decades (backward corrections not at all). The loop reads it at
    /// least once per pass, and no pass blocks for a minute, so real steps are not clamped.
    /// </summary>
    internal sealed class DeviceClock : IClock, ISleeper
    {
        private const long MaxStep = 60 * TimeSpan.TicksPerSecond;
        private static readonly DateTime Plausible = new DateTime(2024, 1, 1);
        private long _lastTicks = DateTime.UtcNow.Ticks;
        private long _uptimeTicks;

        public long UptimeMilliseconds
        {
            get
            {
                long now = DateTime.UtcNow.Ticks, step = now - _lastTicks;
                _lastTicks = now;
                if (step > 0) _uptimeTicks += step > MaxStep ? MaxStep : step;
                return _uptimeTicks / TimeSpan.TicksPerMillisecond;
            }
        }

        /// <summary>The ESP32 boots in 1970; a date after 2024 can only have come from SNTP.</summary>
        public bool IsSynced => DateTime.UtcNow > Plausible;

        public long UnixMicroseconds => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;

        public void Sleep(int milliseconds) => Thread.Sleep(milliseconds);
    }
}
