using System;

namespace SimIoT.Firmware.Network;

/// <summary>
/// Capped exponential backoff with jitter: the n-th consecutive failure waits a random time in
/// [d/2, d] with d = min(initial * 2^n, max), so a fleet of nodes that lost the same broker does
/// not reconnect in step.
/// </summary>
public sealed class Backoff
{
    private readonly int _initialMs;
    private readonly int _maxMs;
    private readonly Random _random;
    private int _currentMs;

    public Backoff(int initialMilliseconds, int maxMilliseconds, Random random)
    {
        _initialMs = initialMilliseconds;
        _maxMs = maxMilliseconds;
        _random = random;
        _currentMs = initialMilliseconds;
    }

    public int Failures { get; private set; }

    /// <summary>The delay before the next attempt after a failure.</summary>
    public int NextDelayMilliseconds()
    {
        int ceiling = _currentMs;
        _currentMs = _currentMs >= _maxMs / 2 ? _maxMs : _currentMs * 2;
        Failures++;
        int half = ceiling / 2;
        return half + _random.Next(ceiling - half + 1);
    }

    public void Reset()
    {
        _currentMs = _initialMs;
        Failures = 0;
    }
}
