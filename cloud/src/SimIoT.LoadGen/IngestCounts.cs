namespace SimIoT.LoadGen;

/// <summary>The cloud's ingest counters at one moment: datagrams accepted, readings stored (durable), datagrams shed.</summary>
public readonly record struct IngestCounts(long Accepted, long Stored, long Shed)
{
    public static IngestCounts operator -(IngestCounts after, IngestCounts before) =>
        new(after.Accepted - before.Accepted, after.Stored - before.Stored, after.Shed - before.Shed);
}
