namespace SimIoT.Edge.Sampling;

/// <summary>Retry policy for sensors that stop answering: exponential backoff, capped.</summary>
public sealed record SchedulerOptions
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often (in samples) a running sensor's identity is re-checked; 0 turns it off.</summary>
    public int IdentityCheckEvery { get; init; } = 100;
}
