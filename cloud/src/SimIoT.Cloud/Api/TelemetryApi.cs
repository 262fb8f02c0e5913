using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

public static class TelemetryApi
{
    public const int DefaultMaxPoints = 1000;
    public const int MaxMaxPoints = 100_000;

    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/modems/{id}/telemetry/{sensor}", QueryAsync).WithTags("Telemetry").WithName("QueryTelemetry")
            .WithSummary("Readings of one sensor (its nickname: imu, gyro, temp) in a time range, downsampled to at most maxPoints.");
        return app;
    }

    private static async Task<Results<Ok<TelemetryPointDto[]>, ProblemHttpResult>> QueryAsync(
        string id, string sensor, string? from, string? to, int? maxPoints, ClaimsPrincipal user, IModemStore modems, ITelemetryStore store, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        var start = DateTime.UnixEpoch;
        var end = new DateTime(4000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (from is not null && !IsoTimestamp.TryParse(from, out start)) return Problems.Validation("from", $"'{from}' is not an ISO-8601 time");
        if (to is not null && !IsoTimestamp.TryParse(to, out end)) return Problems.Validation("to", $"'{to}' is not an ISO-8601 time");
        if (start > end) return Problems.Validation("from", "from must not be after to");
        int limit = maxPoints ?? DefaultMaxPoints;
        if (limit is < 1 or > MaxMaxPoints) return Problems.Validation("maxPoints", $"maxPoints must be between 1 and {MaxMaxPoints}");
        if (!await modems.VisibleAsync(modemId, user, ct)) return Problems.UnknownModem(id);
        var samples = await store.QueryAsync(modemId, sensor, start, end, limit, ct);
        return TypedResults.Ok(samples.Select(s => new TelemetryPointDto(IsoTimestamp.ToText(s.Timestamp), s.Values[0], s.Values.Length > 1 ? s.Values : null)).ToArray());
    }
}
