using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Api;

/// <summary>PATCH /api/modems/{id}: every field optional; a field left out stays as it is.</summary>
public sealed class ModemPatchRequest
{
    public string? Nickname { get; set; }

    /// <summary>Replaces the tags: up to 16, each 1..32 characters of A-Z a-z 0-9 . _ : -</summary>
    public string[]? Tags { get; set; }

    /// <summary>A legacy v1 modem's downlink address, "IP:port" (null clears it; admin only).</summary>
    public string? DownlinkEndpoint
    {
        get;
        set
        {
            field = value;
            DownlinkEndpointGiven = true;
        }
    }

    /// <summary>Whether the body named downlinkEndpoint at all (null clears it, absent keeps it).</summary>
    [JsonIgnore]
    public bool DownlinkEndpointGiven { get; private set; }
}
