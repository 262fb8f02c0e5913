using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SimIoT.Cloud.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Api;

public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        // Liveness: the process serves (no check runs). Readiness: every check tagged ready passes.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = (context, _) => context.Response.WriteAsync("ok") })
            .WithTags("Operations").WithName("Health").WithSummary("200 while the process serves.");
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(CloudServices.ReadyTag), ResponseWriter = WriteReadinessAsync })
            .WithTags("Operations").WithName("Ready").WithSummary("200 when the gateway socket is bound, the store takes a write and (Kafka) the cluster answers and every consumer has its partitions; 503 naming the failing check otherwise.");
        app.MapCloudMetrics().WithTags("Operations").WithName("Metrics").WithSummary("Prometheus text format.");
        return app;
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var body = new ReadinessReport(
            report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => new ReadinessCheck(e.Value.Status.ToString(), e.Value.Description)));
        return context.Response.WriteAsJsonAsync(body, CloudJson.Options);
    }
}
