using Confluent.Kafka;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// A Kafka for the tests: the broker named by KAFKA_BOOTSTRAP_SERVERS when set, otherwise
/// librdkafka's mock cluster, started by one client with test.mock.num.brokers; the address it
/// logs is handed to every other client (the cloud's and the test's plain ones).
/// </summary>
public sealed class KafkaCluster : IDisposable
{
    private readonly IProducer<string, string>? _anchor;

    public KafkaCluster()
    {
        var external = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            BootstrapServers = external;
            return;
        }
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = new ProducerConfig { BootstrapServers = "mock" };
        config.Set("test.mock.num.brokers", "3");
        _anchor = new ProducerBuilder<string, string>(config)
            .SetLogHandler((_, m) =>
            {
                const string marker = "replaced with ";
                int at = m.Message.IndexOf(marker, StringComparison.Ordinal);
                if (m.Message.Contains("Mock cluster enabled", StringComparison.Ordinal) && at >= 0) found.TrySetResult(m.Message[(at + marker.Length)..].Trim());
            })
            .Build();
        // The mock cluster lives as long as this client. It has no admin API to create topics, so a
        // first record creates each topic the cloud subscribes to (the cloud ignores it: not its JSON).
        // Every topic, from the catalog: a topic that appears mid-run (BME280 pressure and humidity) makes every
        // subscribed group rebalance, and the consumers that start at the end skip what came meanwhile.
        foreach (var topic in SimIoT.Cloud.Bus.CloudTopics.Telemetry(SimIoT.Protocol.Telemetry.DeviceCatalog.Default).Where(t => !t.StartsWith('^'))
                     .Concat(["carrier-switch-ack", "downstream-request", "command-state", "modem-changes", "audit", "modem-bindings"]))
            _anchor.Produce(topic, new Message<string, string> { Key = "warm-up", Value = "{}" });
        BootstrapServers = found.Task.Wait(TimeSpan.FromSeconds(10)) ? found.Task.Result
            : throw new InvalidOperationException("librdkafka did not log the mock cluster's address");
        _anchor.Flush(TimeSpan.FromSeconds(10));
    }

    public string BootstrapServers { get; }

    public bool IsMock => _anchor is not null;

    public IConsumer<string, string> Consumer(string group, params string[] topics)
    {
        var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AllowAutoCreateTopics = true,
        }).Build();
        consumer.Subscribe(topics);
        return consumer;
    }

    public IProducer<string, string> Producer() => new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = BootstrapServers }).Build();

    public void Dispose() => _anchor?.Dispose();
}
