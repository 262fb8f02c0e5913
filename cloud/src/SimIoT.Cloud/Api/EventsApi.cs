using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Events;

namespace SimIoT.Cloud.Api;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamAsync).WithTags("Events").WithName("Events")
            .WithSummary("Server-Sent Events: telemetry (point as on its topic), command (state changes), carrier (ACK/NACK), modem (registry changes). ?modemId= filters.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    private static async Task StreamAsync(HttpContext context, EventStream stream, string? modemId)
    {
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
                while (reader.TryRead(out var frame)) await body.WriteAsync(frame, ct);
                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
