using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Api;

/// <summary>Steering commands after they were requested: cancel a queued one.</summary>
public static class CommandControlApi
{
    public static IEndpointRouteBuilder MapCommandControlApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/commands/{id}/cancel", CancelAsync).WithTags("Commands").WithName("CancelCommand")
            .WithSummary("Cancels a queued command (operator); a sent or final one is a 409.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(Roles.Operator);
        return app;
    }

    private static async Task<Results<Ok<CommandDto>, ProblemHttpResult>> CancelAsync(
        uint id, HttpContext context, AuditLog audit, IModemStore modems, ICommandStore commands, ICommandControlStore control, IEventBus bus, TimeProvider time, CancellationToken ct)
    {
        var before = await commands.FindVisibleCommandAsync(id, modems, context.User, ct);
        if (before is null) return Problems.UnknownCommand(id);
        var now = time.GetUtcNow().UtcDateTime;
        var after = await control.CancelCommandAsync(id, now, ct) ?? before;
        if (before.State == CommandState.Cancelled || after.State != CommandState.Cancelled)
        {
            return after.State == CommandState.Sent
                ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Command already sent", detail: $"command {id} was sent: a sent command cannot be unsent")
                : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Command already final", detail: $"command {id} is already {CommandStates.ToText(after.State)}");
        }
        await audit.RecordAsync(context, AuditActions.CommandCancelled, after.ModemId.ToString(), $"command {id}");
        // The store has the final state already; the record tells the event stream (the sink finds it final and leaves it).
        var change = new CommandStateChange(id, after.ModemId.ToString(), after.Carrier, CommandStates.ToText(CommandState.Cancelled), after.Attempts, now);
        bus.Publish(CloudTopics.CommandState, change.ModemId, CloudJson.Serialize(change));
        return TypedResults.Ok(after.ToDto());
    }
}
