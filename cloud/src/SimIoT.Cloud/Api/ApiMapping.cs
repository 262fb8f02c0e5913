using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Modems;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

/// <summary>Store records to API shapes.</summary>
internal static class ApiMapping
{
    public static ModemDto ToDto(this ModemRecord m, DateTime now, TimeSpan freshness) => new(
        m.Id.ToString(), m.Nickname, m.Protocol == ModemProtocol.V1 ? "v1" : "v2", m.Carrier, m.LastSeen,
        m.LastSeen is { } seen && now - seen < freshness ? "fresh" : "stale",
        m.Protocol == ModemProtocol.V1, m.Protocol == ModemProtocol.V2, m.Endpoint, m.RegisteredAt, m.Tags ?? [], m.DownlinkEndpoint);

    public static CommandDto ToDto(this CommandRecord c) => new(
        c.Id, c.ModemId.ToString(), c.Carrier, CommandStates.ToText(c.State), c.Attempts, c.CreatedAt, c.UpdatedAt, c.ResultCarrier, c.Detail)
    {
        Ttl = c.TimeToLive is { } ttl ? (int)ttl.TotalSeconds : null,
        MaxAttempts = c.MaxAttempts,
    };

    /// <summary>Exactly 16 hex digits (either case), nothing around them: the only spelling the API takes.</summary>
    public static bool IsCanonicalModemId(string? text) => text is { Length: 16 } && text.All(char.IsAsciiHexDigit);

    public static bool TryParseModemId(string? text, out ModemId id)
    {
        id = default;
        return IsCanonicalModemId(text) && ModemId.TryParse(text, out id);
    }
}
