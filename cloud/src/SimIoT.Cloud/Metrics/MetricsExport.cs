using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace SimIoT.Cloud.Metrics;

/// <summary>/metrics: the host's <see cref="CloudMetrics"/> meter through OpenTelemetry's Prometheus exporter.</summary>
public static class MetricsExport
{
    public static IServiceCollection AddCloudMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => ((IDeferredMeterProviderBuilder)metrics)
            .Configure((sp, builder) => builder.AddMeter(sp.GetRequiredService<CloudMetrics>().MeterName))
            .AddView(CloudMetrics.BusLatency, new ExplicitBucketHistogramConfiguration { Boundaries = CloudMetrics.LatencyBuckets })
            .AddPrometheusExporter(o =>
            {
                // The series as Prometheus names them, without OpenTelemetry's scope and target
                // labels (the meter's name is per instance, not information).
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
                // Every scrape reads the counters now: a test or an operator sees what just happened.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return services;
    }

    public static IEndpointConventionBuilder MapCloudMetrics(this IEndpointRouteBuilder app) => app.MapPrometheusScrapingEndpoint("/metrics");
}
