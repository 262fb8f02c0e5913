using System.Globalization;

namespace SimIoT.Protocol.Kafka;

/// <summary>
/// The seed's timestamp text: ISO-8601 without offset, always six fractional digits
/// ("2026-11-24T10:00:00.123456"). Values are UTC.
/// </summary>
public static class IsoTimestamp
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff";

    public static string ToText(DateTime value) => value.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Accepts the seed form, and also any ISO-8601 text with an offset (converted to UTC).</summary>
    public static bool TryParse(string? text, out DateTime value)
    {
        if (DateTime.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
            return true;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
            return false;
        value = DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return true;
    }
}
