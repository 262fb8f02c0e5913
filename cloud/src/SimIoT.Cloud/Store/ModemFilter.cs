namespace SimIoT.Cloud.Store;

/// <summary>
/// Which of an organization's active modems a fleet query takes; every other field narrows it.
/// </summary>
/// <param name="Query">An id prefix (hex, any case) or a nickname substring (case-insensitive).</param>
/// <param name="Fresh">true: seen after <paramref name="FreshAfter"/>; false: not seen since; null: both.</param>
/// <param name="Protocol">"v1" or "v2".</param>
/// <param name="Tag">One exact tag.</param>
public sealed record ModemFilter(
    string Organization,
    string? Query = null,
    string? Carrier = null,
    bool? Fresh = null,
    DateTime FreshAfter = default,
    string? Protocol = null,
    string? Tag = null);
