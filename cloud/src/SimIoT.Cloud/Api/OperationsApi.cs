using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Api;

public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).WithTags("Operations").WithName("Health").WithSummary("200 while the process serves.");
        app.MapGet("/metrics", (CloudMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4"))
            .WithTags("Operations").WithName("Metrics").WithSummary("Prometheus text format.");
        return app;
    }
}
