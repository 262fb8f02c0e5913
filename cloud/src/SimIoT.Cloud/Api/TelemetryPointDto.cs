using System.Text.Json.Serialization;

namespace SimIoT.Cloud.Api;

/// <summary>A reading as in the Kafka JSON: <c>data</c> is the first axis, <c>values</c> only for multi-axis devices.</summary>
public sealed record TelemetryPointDto(
    string Timestamp,
    int Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? Values);
