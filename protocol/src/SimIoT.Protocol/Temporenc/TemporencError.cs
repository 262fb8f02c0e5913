namespace SimIoT.Protocol.Temporenc;

/// <summary>Why bytes are not a valid temporenc DTS value.</summary>
public enum TemporencError
{
    None = 0,
    Truncated,
    NotDateTimeSubsecond,
    FieldOutOfRange,
    NonZeroPadding,
}
