using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Events;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamAsync).WithTags("Events").WithName("Events")
            .WithSummary("Server-Sent Events: telemetry (point as on its topic), command (state changes), carrier (ACK/NACK), modem (registry changes). ?modemId= filters.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireRateLimiting(IdentityServices.SseLimitPolicy);
        return app;
    }

    private static async Task StreamAsync(HttpContext context, EventStream stream, IModemStore modems, string? modemId)
    {
        var organization = context.User.OrganizationOf();
        var visible = new Dictionary<string, bool>();
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = stream.Subscribe(modemId);
        var ct = context.RequestAborted;
        var body = context.Response.Body;
        // A comment first, so clients see the stream open before any event.
        await body.WriteAsync(": connected\n\n"u8.ToArray(), ct);
        await body.FlushAsync(ct);
        var reader = subscription.Queue.Reader;
        try
        {
            while (true)
            {
                using var keepalive = CancellationTokenSource.CreateLinkedTokenSource(ct);
                keepalive.CancelAfter(TimeSpan.FromSeconds(15));
                try
                {
                    await reader.WaitToReadAsync(keepalive.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await body.WriteAsync(": keepalive\n\n"u8.ToArray(), ct);
                    await body.FlushAsync(ct);
                    continue;
                }
                while (reader.TryRead(out var frame))
                {
                    if (await VisibleAsync(frame)) await body.WriteAsync(frame.Bytes, ct);
                }
                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }

        // Each modem's organization is looked up once per client, and again after a registry change.
        async ValueTask<bool> VisibleAsync(EventFrame frame)
        {
            if (frame.RegistryChange) visible.Remove(frame.ModemId);
            if (visible.TryGetValue(frame.ModemId, out bool known)) return known;
            bool mine = ModemId.TryParse(frame.ModemId, out var id) && await modems.FindOrganizationAsync(id, ct) == organization;
            visible[frame.ModemId] = mine;
            return mine;
        }
    }
}
