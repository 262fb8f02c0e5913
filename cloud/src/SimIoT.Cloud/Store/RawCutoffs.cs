namespace SimIoT.Cloud.Store;

/// <summary>Raw readings older than <see cref="Before"/> expire, or older than their sensor's own cutoff.</summary>
public sealed record RawCutoffs(DateTime Before, IReadOnlyDictionary<string, DateTime> Sensors)
{
    public static RawCutoffs At(DateTime now, RetentionOptions options) =>
        new(now - options.Raw, options.Sensors.ToDictionary(s => s.Key, s => now - s.Value));
}
