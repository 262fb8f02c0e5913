using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Api;

public sealed record CommandDto(uint Id, string ModemId, string Carrier, string State, int Attempts, DateTime CreatedAt, DateTime UpdatedAt, string? ResultCarrier, string? Detail)
{
    /// <summary>Every transition, oldest first (GET /api/commands/{id} only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CommandTransitionDto>? History { get; init; }

    /// <summary>The request's own time to live, seconds (absent: the configured default).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Ttl { get; init; }

    /// <summary>The request's own attempt limit (absent: the configured default).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxAttempts { get; init; }
}
