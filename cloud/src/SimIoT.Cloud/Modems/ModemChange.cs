using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Modems;

/// <summary>A record on modem-changes: the API registered, deleted or re-keyed a modem, gateways reload it.</summary>
public sealed record ModemChange(
    [property: JsonPropertyName("modemId")] string ModemId,
    [property: JsonPropertyName("change")] string Change)
{
    public const string Registered = "registered";
    public const string Deleted = "deleted";
    public const string Rekeyed = "rekeyed";
    public const string Updated = "updated";
}
