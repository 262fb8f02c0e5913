namespace SimIoT.Cloud.Store;

/// <summary>A query result: a reading, or the average of a time bucket when downsampled.</summary>
public sealed record TelemetrySample(DateTime Timestamp, int[] Values);
