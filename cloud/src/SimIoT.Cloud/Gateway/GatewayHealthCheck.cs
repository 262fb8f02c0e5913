using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SimIoT.Cloud.Gateway;

/// <summary>Ready when the gateway's UDP socket is bound and its receive loop runs.</summary>
public sealed class GatewayHealthCheck(UdpGateway gateway) : IHealthCheck
{
    public const string Name = "gateway";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(gateway.Receiving ? HealthCheckResult.Healthy("socket bound, receiving") : HealthCheckResult.Unhealthy("the UDP socket is not bound or the receive loop is not running"));
}
