using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Edge.Mqtt;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Hosting;

/// <summary>Starts and stops the embedded broker with the host.</summary>
public sealed class MqttBrokerService(IOptions<EdgeOptions> options, ReadingChannel readings, TimeProvider time, ILogger<MqttReadingBroker> logger) : IHostedService, IAsyncDisposable
{
    public MqttReadingBroker? Broker { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Mqtt.Enabled) return;
        Broker = new MqttReadingBroker(options.Value.Mqtt, readings.Writer, timeProvider: time, logger: logger);
        await Broker.StartAsync().ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Broker is not null) await Broker.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null) await Broker.DisposeAsync().ConfigureAwait(false);
    }
}
