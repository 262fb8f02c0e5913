using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Api;

public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).WithTags("Operations").WithName("Health").WithSummary("200 while the process serves.");
        app.MapGet("/metrics", (CloudMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4"))
            .WithTags("Operations").WithName("Metrics").WithSummary("Prometheus text format.");
        app.MapGet("/api/config", (IOptions<ApiOptions> options) => TypedResults.Ok(new UiConfig(options.Value.GrafanaUrl)))
            .WithTags("Operations").WithName("UiConfig").WithSummary("What the web UI needs to know (the Grafana link).");
        return app;
    }
}
