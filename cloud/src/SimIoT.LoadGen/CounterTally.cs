namespace SimIoT.LoadGen;

/// <summary>
/// Sums a monotonic counter read now and then from a process that may restart: a reading lower
/// than the last one means the counter began again from zero, so what it shows is all new. (What
/// was counted between the last reading and the restart is lost from the tally; reading often keeps that small.)
/// </summary>
public sealed class CounterTally
{
    private long? _last;

    public long Total { get; private set; }

    /// <summary>Adds a reading; the first one is the baseline.</summary>
    public void Observe(long reading)
    {
        if (_last is { } last) Total += reading >= last ? reading - last : reading;
        _last = reading;
    }
}
