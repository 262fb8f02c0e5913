using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SimIoT.Cloud.Kafka;

/// <summary>Ready when the producer reaches the cluster and every consumer has its assignment.</summary>
public sealed class KafkaHealthCheck(KafkaEventBus bus) : IHealthCheck
{
    public const string Name = "kafka";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await Task.Run(() => bus.ProbeCluster(TimeSpan.FromSeconds(2)), cancellationToken).ConfigureAwait(false);
        }
        catch (Confluent.Kafka.KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"the producer does not reach the cluster: {ex.Error.Reason}");
        }
        var unassigned = bus.Unassigned;
        return unassigned.Count == 0
            ? HealthCheckResult.Healthy("cluster reachable, every consumer assigned")
            : HealthCheckResult.Unhealthy($"consumers without assignment: {string.Join(", ", unassigned)}");
    }
}
