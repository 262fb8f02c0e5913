using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Hosting;
using SimIoT.Cloud.Kafka;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Kafka;

/// <summary>
/// A broadcast consumer (the SSE stream, a gateway's commands) starts at the end of each partition
/// once; a rebalance later (a topic matching a pattern appears, a member joins) must not move it to
/// the end again and skip what was published meanwhile.
/// </summary>
public sealed class BroadcastRebalanceTests : IClassFixture<KafkaCluster>
{
    private readonly KafkaCluster _kafka;

    public BroadcastRebalanceTests(KafkaCluster kafka) => _kafka = kafka;

    [Fact]
    public async Task A_reassigned_broadcast_consumer_resumes_where_it_was_and_skips_nothing()
    {
        string topic = $"rebalance-{Guid.NewGuid():N}";
        using var producer = _kafka.Producer();
        // The topic comes into being with its first record (the mock cluster has no admin API).
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "create", Value = "create" });
        int partitions = Partitions(producer, topic);
        Assert.True(partitions >= 2, $"the test needs a topic of several partitions, it has {partitions}");

        var probe = new RecordingHandler(topic);
        string prefix = $"test-{Guid.NewGuid():N}", instance = $"probe{Guid.NewGuid():N}"[..16];
        await using var cloud = await CloudHarness.StartAsync(
            new() { ["Bus:Kafka"] = _kafka.BootstrapServers, ["Bus:GroupPrefix"] = prefix, ["Bus:InstanceId"] = instance, ["Bus:CreateTopics"] = _kafka.IsMock ? "false" : "true" },
            CloudRole.Api, configure: b => b.Services.AddSingleton<IBusHandler>(probe));
        await cloud.App.Services.GetRequiredService<KafkaEventBus>().Ready.WaitAsync(TimeSpan.FromSeconds(60));

        for (int p = 0; p < partitions; p++) await producer.ProduceAsync(new TopicPartition(topic, p), new Message<string, string> { Key = "k", Value = $"before-{p}" });
        await Eventually.TrueAsync(() => Enumerable.Range(0, partitions).All(p => probe.Saw($"before-{p}")), "the consumer reads every partition", TimeSpan.FromSeconds(60));

        // A second member of the process's broadcast group takes some partitions; records arrive on
        // them while it holds them, and it leaves without reading them: they come back to the bus's consumer.
        using (var member = new ConsumerBuilder<string, string>(new ConsumerConfig
               {
                   BootstrapServers = _kafka.BootstrapServers,
                   GroupId = $"{prefix}-{probe.Name}-{instance}",
                   EnableAutoCommit = false,
               }).Build())
        {
            member.Subscribe(topic);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (member.Assignment.Count == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the second member never got a partition");
                member.Consume(TimeSpan.FromMilliseconds(100));
            }
            for (int p = 0; p < partitions; p++) await producer.ProduceAsync(new TopicPartition(topic, p), new Message<string, string> { Key = "k", Value = $"during-{p}" });
            member.Close();
        }

        // Records published until one has been read on every partition: the consumer holds them all again, and is past "during".
        var seenAfter = new HashSet<int>();
        for (int round = 0; seenAfter.Count < partitions; round++)
        {
            Assert.True(round < 600, "the consumer never got every partition back");
            for (int p = 0; p < partitions; p++)
                if (!seenAfter.Contains(p)) await producer.ProduceAsync(new TopicPartition(topic, p), new Message<string, string> { Key = "k", Value = $"after-{round}-{p}" });
            await Task.Delay(100);
            for (int p = 0; p < partitions; p++)
                if (probe.Values.Any(v => v.StartsWith("after-", StringComparison.Ordinal) && v.EndsWith($"-{p}", StringComparison.Ordinal))) seenAfter.Add(p);
        }
        var missing = Enumerable.Range(0, partitions).Select(p => $"during-{p}").Where(v => !probe.Saw(v)).ToList();
        Assert.True(missing.Count == 0, "skipped by the broadcast consumer after the rebalance: " + string.Join(", ", missing));
    }

    private static int Partitions(IProducer<string, string> producer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
    }

    private sealed class RecordingHandler(string topic) : IBusHandler
    {
        private readonly ConcurrentDictionary<string, bool> _values = new(StringComparer.Ordinal);

        public string Name => "rebalance-probe";
        public IReadOnlyList<string> Topics => [topic];
        public bool Broadcast => true;
        public IEnumerable<string> Values => _values.Keys;

        public bool Saw(string value) => _values.ContainsKey(value);

        public ValueTask HandleAsync(BusMessage message, CancellationToken cancellationToken)
        {
            _values[Encoding.UTF8.GetString(message.Value.Span)] = true;
            return ValueTask.CompletedTask;
        }
    }
}
