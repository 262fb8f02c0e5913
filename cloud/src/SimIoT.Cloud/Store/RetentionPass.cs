namespace SimIoT.Cloud.Store;

/// <summary>What one retention pass removed from each tier, and how long it took.</summary>
public sealed record RetentionPass(long RawRows, long MinuteRows, long HourRows, TimeSpan Elapsed)
{
    public long Rows => RawRows + MinuteRows + HourRows;
}
