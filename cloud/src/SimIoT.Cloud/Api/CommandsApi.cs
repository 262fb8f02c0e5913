using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

public static class CommandsApi
{
    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/modems/{id}/carrier-switch", SwitchAsync).WithTags("Commands").WithName("SwitchCarrier")
            .WithSummary("Queues a carrier switch (operator); follow it at the Location given, or on /api/events.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireAuthorization(Roles.Operator);
        app.MapGet("/api/commands/{id}", GetAsync).WithTags("Commands").WithName("GetCommand").WithSummary("One command and its state.");
        app.MapGet("/api/modems/{id}/commands", HistoryAsync).WithTags("Commands").WithName("ListModemCommands").WithSummary("A modem's commands, newest first.");
        return app;
    }

    private static async Task<Results<Accepted<CommandAccepted>, ProblemHttpResult>> SwitchAsync(
        string id, CarrierSwitchRequest request, HttpContext context, AuditLog audit, IModemStore modems, ICommandControlStore commands, IOptions<CommandOptions> options, IEventBus bus, TimeProvider time, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        if (!CarrierNames.TryParse(request.Carrier, out var carrier))
            return Problems.Validation("carrier", $"'{request.Carrier}' is not a carrier; valid carriers: {CarrierNames.Valid}");
        var limits = options.Value;
        int maxTtl = (int)limits.MaxTimeToLive.TotalSeconds;
        if (request.Ttl is < 1 || request.Ttl > maxTtl) return Problems.Validation("ttl", $"ttl must be between 1 and {maxTtl} seconds");
        if (request.MaxAttempts is < 1 || request.MaxAttempts > limits.MaxAttempts)
            return Problems.Validation("maxAttempts", $"maxAttempts must be between 1 and {limits.MaxAttempts}");
        if (!await modems.VisibleAsync(modemId, context.User, ct)) return Problems.UnknownModem(id);
        var (modem, deleted) = await modems.FindModemAsync(modemId, ct);
        if (deleted) return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Modem deleted", detail: $"modem {id} was deleted");
        if (modem is null) return Problems.UnknownModem(id);
        var name = CarrierNames.ToName(carrier);
        TimeSpan? ttl = request.Ttl is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        var record = await commands.TryCreateCommandAsync(modemId, name, time.GetUtcNow().UtcDateTime, ttl, request.MaxAttempts, limits.MaxQueuedPerModem, ct);
        if (record is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Command queue full",
                detail: $"modem {id} already has {limits.MaxQueuedPerModem} open commands; wait for one to finish or cancel one");
        await audit.RecordAsync(context, AuditActions.CarrierSwitchRequested, modemId.ToString(), $"command {record.Id} to {name}");
        bus.Publish(CloudTopics.DownstreamRequest, modemId.ToString(),
            ContractJson.Serialize(new DownstreamRequestMessage(KafkaTopics.CarrierSwitchPerformType, name, modemId.ToString(), record.Id)));
        return TypedResults.Accepted($"/api/commands/{record.Id}", new CommandAccepted(record.Id, "queued"));
    }

    private static async Task<Results<Ok<CommandDto>, ProblemHttpResult>> GetAsync(
        uint id, ClaimsPrincipal user, IModemStore modems, ICommandStore commands, ICommandHistoryStore history, CancellationToken ct)
    {
        var record = await commands.FindVisibleCommandAsync(id, modems, user, ct);
        if (record is null) return Problems.UnknownCommand(id);
        var transitions = await history.CommandHistoryAsync(id, ct);
        return TypedResults.Ok(record.ToDto() with { History = [.. transitions.Select(t => new CommandTransitionDto(t.State, t.At, t.Attempt))] });
    }

    private static async Task<Results<Ok<CommandDto[]>, ProblemHttpResult>> HistoryAsync(string id, int? limit, ClaimsPrincipal user, IModemStore modems, ICommandStore commands, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        if (limit is < 1 or > 1000) return Problems.Validation("limit", "limit must be between 1 and 1000");
        if (!await modems.VisibleAsync(modemId, user, ct)) return Problems.UnknownModem(id);
        var list = await commands.ListCommandsAsync(modemId, limit ?? 100, ct);
        return TypedResults.Ok(list.Select(c => c.ToDto()).ToArray());
    }
}
