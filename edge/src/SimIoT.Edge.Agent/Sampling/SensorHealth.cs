namespace SimIoT.Edge.Sampling;

/// <summary>What the scheduler knows about one sensor, for logs, the CLI and tests.</summary>
public sealed record SensorHealth(
    string Name,
    double RateHz,
    SensorState State,
    long Samples,
    long Failures,
    int ConsecutiveFailures,
    string? LastError,
    TimeSpan NextRetryIn,
    long Overruns);
