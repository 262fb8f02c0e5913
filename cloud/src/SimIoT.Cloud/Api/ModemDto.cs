using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Api;

/// <summary>A modem as the API shows it; never its key, but for the one the cloud generated, in the answer to that registration.</summary>
/// <param name="Link">"fresh" when the modem sent an authentic frame recently (commands go out at once), else "stale".</param>
public sealed record ModemDto(string Id, string Nickname, string Protocol, string? Carrier, DateTime? LastSeen, string Link, bool Legacy, bool Authenticated, string? Endpoint, DateTime RegisteredAt,
    IReadOnlyList<string> Tags, string? DownlinkEndpoint)
{
    /// <summary>Only in the answer to a registration without a key: the key the cloud generated, shown this once.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MasterKey { get; init; }

    /// <summary>With <see cref="MasterKey"/>: the simiot-edge line that personalises the SIM with it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ProvisionCommand { get; init; }
}
