namespace SimIoT.Edge.Toolkit.Terminal;

/// <summary>
/// The eight timers a card may run through TIMER MANAGEMENT (ETSI TS 102 223 §6.4.21);
/// on expiry the terminal tells the card with a timer-expiration ENVELOPE.
/// </summary>
public sealed class CardTimers(TimeProvider time, Action<byte, TimeSpan> expired) : IDisposable
{
    public const int Count = 8;

    private readonly (ITimer? Timer, TimeSpan Value, long StartedAt)[] _timers = new (ITimer?, TimeSpan, long)[Count + 1];
    private readonly Lock _lock = new();

    public static bool IsValidId(byte id) => id is >= 1 and <= Count;

    public void Start(byte id, TimeSpan value)
    {
        lock (_lock)
        {
            _timers[id].Timer?.Dispose();
            var timer = time.CreateTimer(_ => Fire(id), null, value, Timeout.InfiniteTimeSpan);
            _timers[id] = (timer, value, time.GetTimestamp());
        }
    }

    /// <summary>Time left on a running timer, or null when it is not running.</summary>
    public TimeSpan? Remaining(byte id)
    {
        lock (_lock)
        {
            var (timer, value, started) = _timers[id];
            if (timer is null) return null;
            var left = value - time.GetElapsedTime(started);
            return left < TimeSpan.Zero ? TimeSpan.Zero : left;
        }
    }

    /// <summary>Stops a timer; returns the time it had left, or null when it was not running.</summary>
    public TimeSpan? Stop(byte id)
    {
        lock (_lock)
        {
            var left = Remaining(id);
            _timers[id].Timer?.Dispose();
            _timers[id] = default;
            return left;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var t in _timers) t.Timer?.Dispose();
        }
    }

    private void Fire(byte id)
    {
        TimeSpan value;
        lock (_lock)
        {
            if (_timers[id].Timer is null) return;
            value = _timers[id].Value;
            _timers[id].Timer!.Dispose();
            _timers[id] = default;
        }
        expired(id, value);
    }
}
