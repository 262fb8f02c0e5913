namespace SimIoT.LoadGen;

/// <summary>Latency samples in microseconds, reported as percentiles.</summary>
public sealed class LatencyRecorder
{
    private readonly List<long> _micros = [];

    public int Count
    {
        get { lock (_micros) return _micros.Count; }
    }

    public void Add(TimeSpan latency)
    {
        lock (_micros) _micros.Add((long)(latency.Ticks / 10));
    }

    public string Summary()
    {
        long[] sorted;
        lock (_micros) sorted = [.. _micros.Order()];
        if (sorted.Length == 0) return "no samples";
        string At(double q) => $"{sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] / 1000.0:0.00}";
        return $"n={sorted.Length} p50={At(0.50)} ms p90={At(0.90)} ms p99={At(0.99)} ms max={sorted[^1] / 1000.0:0.00} ms";
    }
}
