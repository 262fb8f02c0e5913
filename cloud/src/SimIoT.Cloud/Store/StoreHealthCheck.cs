using Microsoft.Extensions.Diagnostics.HealthChecks;
using SimIoT.Cloud.Telemetry;

namespace SimIoT.Cloud.Store;

/// <summary>Ready when the store answers a write now and the telemetry sink's last write succeeded.</summary>
public sealed class StoreHealthCheck(IStoreProbe probe, IServiceProvider services) : IHealthCheck
{
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await probe.ProbeWriteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the store does not take a write: {ex.Message}");
        }
        // The sink exists where the API side runs (it is what writes telemetry).
        if (services.GetService(typeof(TelemetrySink)) is TelemetrySink { Failure: { } failure })
            return HealthCheckResult.Unhealthy($"telemetry writes fail and are being retried: {failure}");
        return HealthCheckResult.Healthy("takes writes");
    }
}
