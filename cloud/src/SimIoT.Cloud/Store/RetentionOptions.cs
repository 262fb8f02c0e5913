namespace SimIoT.Cloud.Store;

/// <summary>
/// How long telemetry is kept (docs/operations.md, "Retention and roll-ups"). A raw reading older
/// than <see cref="Raw"/> is folded into its minute roll-up (min/max/sum/count) and deleted; a minute
/// roll-up older than <see cref="Minutes"/> into its hour roll-up; an hour roll-up older than
/// <see cref="Hours"/> is deleted. Each reading is counted in exactly one tier, so queries read all three.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Off: nothing is rolled up or deleted (the store grows without bound).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long raw readings are kept.</summary>
    public TimeSpan Raw { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Per-sensor raw retention (sensor name, e.g. "accel" = 1.00:00:00), overriding <see cref="Raw"/>.</summary>
    public Dictionary<string, TimeSpan> Sensors { get; set; } = [];

    /// <summary>How long per-minute roll-ups are kept.</summary>
    public TimeSpan Minutes { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long per-hour roll-ups are kept.</summary>
    public TimeSpan Hours { get; set; } = TimeSpan.FromDays(5 * 365);

    /// <summary>Pause between passes; a pass runs batches until nothing is left to expire.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most rows one batch (one short transaction) rolls up and deletes; ingest writes between batches.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>Why these options cannot work, or null.</summary>
    public string? Problem()
    {
        if (BatchSize < 1) return "Retention:BatchSize must be at least 1";
        if (Interval <= TimeSpan.Zero) return "Retention:Interval must be positive";
        foreach (var (sensor, raw) in Sensors.Append(new("Raw", Raw)))
        {
            if (raw <= TimeSpan.Zero) return $"Retention raw period of {sensor} must be positive";
            if (raw > Minutes) return $"Retention raw period of {sensor} ({raw}) is longer than Retention:Minutes ({Minutes})";
        }
        return Minutes > Hours ? $"Retention:Minutes ({Minutes}) is longer than Retention:Hours ({Hours})" : null;
    }
}
