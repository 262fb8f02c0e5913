using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sampling;

namespace SimIoT.Edge.Hosting;

/// <summary>Runs the <see cref="SensorScheduler"/> over the configured sensors for the host's lifetime.</summary>
public sealed class SamplingService(IOptions<EdgeOptions> options, ReadingChannel readings, TimeProvider time, ILogger<SensorScheduler> logger) : BackgroundService
{
    public SensorScheduler? Scheduler { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var sensors = o.Sensors.Count > 0 ? o.Sensors : (o.Emulate ? SensorSources.Defaults : []);
        if (sensors.Count == 0)
        {
            logger.LogWarning("No sensors configured (Edge:Sensors); only MQTT nodes will provide readings");
            return Task.CompletedTask;
        }

        Scheduler = new SensorScheduler(SensorSources.Create(sensors, o.Emulate, time), readings.Writer, time, o.Scheduler, logger);
        return Scheduler.RunAsync(stoppingToken);
    }
}
