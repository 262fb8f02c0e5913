using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Metrics;

namespace SimIoT.Cloud.Hosting;

/// <summary>
/// Runs the readiness checks periodically: the simiot_ready gauge follows them, and every
/// change is logged (an error naming the failing check, a warning when all pass again).
/// </summary>
public sealed class ReadinessPublisher(CloudMetrics metrics, IHostApplicationLifetime lifetime, ILogger<ReadinessPublisher> logger) : IHealthCheckPublisher
{
    private string? _failing;
    private bool _wasReady;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        var failing = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}").ToList();
        metrics.Ready(failing.Count == 0);
        string? now = failing.Count == 0 ? null : string.Join("; ", failing);
        if (now != _failing)
        {
            // Before the first success it is starting (Kafka consumers join after a few seconds), not failing.
            if (now is null) logger.Log(_wasReady ? LogLevel.Warning : LogLevel.Information, "Ready{Again}", _wasReady ? " again" : "");
            else if (_wasReady && !lifetime.ApplicationStopping.IsCancellationRequested) logger.LogError("Not ready: {Failing}", now);
            else logger.LogInformation("Not ready yet: {Failing}", now);
            _failing = now;
        }
        _wasReady |= now is null;
        return Task.CompletedTask;
    }
}
