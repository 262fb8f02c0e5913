namespace SimIoT.Edge.Hosting;

/// <summary>Backoff for failing sensors, in configuration-friendly units.</summary>
public sealed class SchedulerSettings
{
    public double InitialBackoffSeconds { get; set; } = 1;
    public double MaxBackoffSeconds { get; set; } = 60;
    public int IdentityCheckEvery { get; set; } = 100;
}
