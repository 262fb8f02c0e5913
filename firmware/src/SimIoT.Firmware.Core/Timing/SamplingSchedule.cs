namespace SimIoT.Firmware.Timing;

/// <summary>
/// When one sensor is due: a fixed grid of <c>start + n / rate</c> (computed from n, so it does not
/// drift). A node that fell behind by more than one period skips the missed instants (counted)
/// instead of sampling in a burst.
/// </summary>
public sealed class SamplingSchedule
{
    private readonly int _rateHz;
    private readonly long _startMs;
    private long _n;

    public SamplingSchedule(int rateHz, long startMilliseconds)
    {
        _rateHz = rateHz;
        _startMs = startMilliseconds;
    }

    public long NextDueMilliseconds => _startMs + _n * 1000 / _rateHz;

    /// <summary>Sampling instants that passed while the node was busy.</summary>
    public long Missed { get; private set; }

    /// <summary>True (and moves to the next instant) when a sample is due at <paramref name="nowMilliseconds"/>.</summary>
    public bool TakeDue(long nowMilliseconds)
    {
        if (nowMilliseconds < NextDueMilliseconds) return false;
        long behind = (nowMilliseconds - _startMs) * _rateHz / 1000;
        if (behind > _n)
        {
            Missed += behind - _n;
            _n = behind;
        }

        _n++;
        return true;
    }
}
