using System.Globalization;

namespace SimIoT.Protocol.V2;

/// <summary>A modem's 64-bit identity; written as 16 lowercase hex digits in JSON, Kafka keys and URLs.</summary>
public readonly record struct ModemId(ulong Value) : ISpanFormattable
{
    public static bool TryParse(string? text, out ModemId id)
    {
        id = default;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) trimmed = trimmed[2..];
        if (trimmed.Length is 0 or > 16 || !ulong.TryParse(trimmed, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return false;
        id = new ModemId(value);
        return true;
    }

    public static ModemId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a modem id (up to 16 hex digits)");

    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        Value.TryFormat(destination, out charsWritten, "x16", CultureInfo.InvariantCulture);
}
