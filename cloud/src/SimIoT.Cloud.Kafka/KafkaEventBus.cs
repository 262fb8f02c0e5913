using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Metrics;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Kafka;

/// <summary>
/// The distributed profile's bus on Confluent.Kafka: records keyed by modem id (one modem's
/// records stay in order on one partition), one consumer per handler on its own thread. Shared
/// handlers split partitions inside one group; broadcast handlers get a group per process.
/// Stopping flushes the producer, so what the gateway published reaches the brokers.
/// </summary>
public sealed class KafkaEventBus : IEventBus, IHostedService, IDisposable
{
    private readonly KafkaBusOptions _options;
    private readonly IServiceProvider _services;
    private readonly DeviceCatalog _catalog;
    private readonly CloudMetrics _metrics;
    private readonly ILogger<KafkaEventBus> _logger;
    private readonly IProducer<string, byte[]> _producer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Thread> _consumers = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waitingForAssignment;
    private readonly string? _bootstrap;
    private IProducer<string, byte[]>? _mockAnchor;

    private readonly Backpressure _backpressure;
    private long _inFlight;

    public KafkaEventBus(IOptions<KafkaBusOptions> options, IServiceProvider services, DeviceCatalog catalog, Backpressure backpressure, CloudMetrics metrics, ILogger<KafkaEventBus> logger)
    {
        _options = options.Value;
        _backpressure = backpressure;
        _services = services;
        _catalog = catalog;
        _metrics = metrics;
        _logger = logger;
        if (_options.Kafka == KafkaBusOptions.Mock) _bootstrap = StartMockCluster();
        var config = new ProducerConfig(Client())
        {
            LingerMs = 5,
            BatchNumMessages = 10_000,
            QueueBufferingMaxMessages = _options.ProducerQueueMessages,
            // Durable means written to every in-sync replica, once (the gateway acks the frame on it).
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = (int)_options.DeliveryTimeout.TotalMilliseconds,
        };
        _producer = new ProducerBuilder<string, byte[]>(config).SetLogHandler(Log).SetErrorHandler(Error).Build();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _joined = new(StringComparer.Ordinal);

    /// <summary>Handlers whose consumer has no assignment now (readiness); empty when all have one.</summary>
    public IReadOnlyList<string> Unassigned => [.. _joined.Where(j => !j.Value).Select(j => j.Key)];

    /// <summary>Asks the cluster for its metadata through the producer's connection; throws when no broker answers.</summary>
    public void ProbeCluster(TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
        var metadata = admin.GetMetadata(timeout);
        if (metadata.Brokers.Count == 0) throw new KafkaException(ErrorCode.Local_AllBrokersDown);
    }

    /// <summary>Completes when every consumer has its partitions: records published after it are seen.</summary>
    public Task Ready => _ready.Task;

    private Dictionary<string, string> Client() =>
        new(_options.Client) { ["bootstrap.servers"] = _bootstrap ?? _options.Kafka! };

    private const string TopicAnchorHeader = "simiot-topic-anchor";

    /// <summary>
    /// "--kafka mock": librdkafka's in-process mock cluster, for trying the Kafka path without a
    /// broker. It lives as long as the client that started it, and only that client's log says where it is.
    /// </summary>
    private string StartMockCluster()
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = new ProducerConfig { BootstrapServers = "mock" };
        config.Set("test.mock.num.brokers", "3");
        _mockAnchor = new ProducerBuilder<string, byte[]>(config).SetLogHandler((_, m) =>
        {
            const string marker = "replaced with ";
            int at = m.Message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && m.Message.Contains("Mock cluster", StringComparison.Ordinal)) found.TrySetResult(m.Message[(at + marker.Length)..].Trim());
        }).Build();
        // Topics come into being when first produced to (the mock has no admin API). The records
        // that create them carry a header the consumers skip: they are not telemetry or requests.
        foreach (var topic in KnownTopics())
            _mockAnchor.Produce(topic, new Message<string, byte[]> { Key = "", Value = [], Headers = new Headers { { TopicAnchorHeader, [] } } });
        _mockAnchor.Flush(TimeSpan.FromSeconds(10));
        if (!found.Task.Wait(TimeSpan.FromSeconds(10))) throw new InvalidOperationException("librdkafka did not start its mock cluster");
        _logger.LogWarning("Kafka mock cluster (in-process, not durable) at {Bootstrap}", found.Task.Result);
        return found.Task.Result;
    }

    private IEnumerable<string> KnownTopics() => CloudTopics.Telemetry(_catalog).Where(t => !t.StartsWith('^'))
        .Concat([CloudTopics.CarrierSwitchAck, CloudTopics.DownstreamRequest, CloudTopics.CommandState, CloudTopics.ModemChanges, CloudTopics.Audit, SimIoT.Cloud.Gateway.ModemBindings.Topic]);

    public void Publish(string topic, string key, ReadOnlyMemory<byte> value, IDeliveryReceipt? receipt = null)
    {
        var bytes = MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : value.ToArray();
        var message = new Message<string, byte[]> { Key = key, Value = bytes };
        long started = Stopwatch.GetTimestamp();
        try
        {
            _producer.Produce(topic, message, report => OnDelivered(report, started, receipt));
        }
        catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            // Never block the caller (the gateway's receive loop). A frame's reading: the frame is
            // not acked and the edge resends it. Anything else (a v1 reading, a command record)
            // has nobody to resend it, so say so. Bus:MaxInFlight below the queue's size makes
            // the gateway shed before this happens.
            if (receipt is not null) receipt.Failed(ShedReason.BusQueueFull);
            else _logger.LogError("Kafka producer queue full: a {Topic} record was not published", topic);
            return;
        }
        if (Interlocked.Increment(ref _inFlight) > _options.MaxInFlight) _backpressure.Set(ShedReason.BusBacklog, true);
        _metrics.BusPublished();
    }

    private void OnDelivered(DeliveryReport<string, byte[]> report, long started, IDeliveryReceipt? receipt)
    {
        if (Interlocked.Decrement(ref _inFlight) <= _options.MaxInFlight / 2) _backpressure.Set(ShedReason.BusBacklog, false);
        if (report.Error.IsError)
        {
            // Logged once per outage, not per record.
            if (Interlocked.Exchange(ref _failing, 1) == 0)
                _logger.LogError("Kafka delivery to {Topic} failed: {Reason}; frames are not acked until records are delivered again", report.Topic, report.Error.Reason);
            receipt?.Failed(ShedReason.BusDeliveryFailed);
            return;
        }
        if (Interlocked.Exchange(ref _failing, 0) == 1) _logger.LogWarning("Kafka delivers again");
        _metrics.ObserveBusLatency(Stopwatch.GetElapsedTime(started));
        receipt?.Durable();
    }

    private int _failing;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateTopics && _options.Kafka != KafkaBusOptions.Mock) await CreateTopicsAsync().ConfigureAwait(false);
        var handlers = _services.GetServices<IBusHandler>().ToList();
        _waitingForAssignment = handlers.Count;
        if (handlers.Count == 0) _ready.TrySetResult();
        foreach (var handler in handlers) _joined[handler.Name] = false;
        foreach (var handler in handlers)
        {
            var thread = new Thread(() => Consume(handler)) { IsBackground = true, Name = $"kafka-{handler.Name}" };
            _consumers.Add(thread);
            thread.Start();
        }
    }

    private async Task CreateTopicsAsync()
    {
        using var admin = new AdminClientBuilder(Client()).SetLogHandler((_, m) => Log<object?>(null, m)).Build();
        var topics = KnownTopics().Select(t => new TopicSpecification { Name = t, NumPartitions = _options.Partitions, ReplicationFactor = _options.ReplicationFactor })
            .ToList();
        try
        {
            await admin.CreateTopicsAsync(topics, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(15) }).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
        }
        catch (KafkaException ex)
        {
            // No admin API or no permission (managed Kafka with ACLs, librdkafka's mock cluster in
            // its own process): go on with the topics that exist or are auto-created.
            _logger.LogWarning("Creating the topics failed ({Reason}); going on with the topics that exist or are auto-created", ex.Error.Reason);
        }
    }

    private void Consume(IBusHandler handler)
    {
        var config = new ConsumerConfig(Client())
        {
            GroupId = handler.Broadcast ? $"{_options.GroupPrefix}-{handler.Name}-{_options.InstanceId}" : $"{_options.GroupPrefix}-{handler.Name}",
            AutoOffsetReset = handler.Broadcast ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            // At least once: an offset is stored (and then auto-committed) only once its record is
            // handled, or for the store sink, written; a record never written is read again.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            TopicMetadataRefreshIntervalMs = 5000,
            AllowAutoCreateTopics = true,
            // Latency over batching: a fetch returns within 20 ms even from a broker (or the mock) that does not wake it early.
            FetchWaitMaxMs = 20,
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            // Kafka wants heartbeats at most a third of the session apart.
            HeartbeatIntervalMs = Math.Max(1000, (int)_options.SessionTimeout.TotalMilliseconds / 3),
        };
        bool assigned = false;
        var resume = new ResumePositions();
        using var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler(Log)
            .SetErrorHandler(Error)
            // A revocation is the first half of an ordinary rebalance (a member joins, a topic
            // matching a pattern appears); losing the partitions (session timed out) is not.
            .SetPartitionsLostHandler((_, _) => _joined[handler.Name] = false)
            .SetPartitionsAssignedHandler((c, partitions) =>
            {
                // Positions first, then ready: nothing published after Ready is behind them.
                var positions = handler.StartAtEnd ? StartPositions(c, handler, partitions, resume) : partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList();
                // In a shared group a member may get no partition (more members than partitions): joined is enough.
                _joined[handler.Name] = true;
                if (!assigned && partitions.Count > 0)
                {
                    assigned = true;
                    if (Interlocked.Decrement(ref _waitingForAssignment) == 0) _ready.TrySetResult();
                }
                return positions;
            })
            .Build();
        consumer.Subscribe(handler.Topics);
        var token = _stopping.Token;
        bool paused = false;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (handler.Stores) paused = PauseWhileStoreIsBehind(consumer, paused);
                ConsumeResult<string, byte[]>? result;
                try
                {
                    result = paused ? consumer.Consume(TimeSpan.FromMilliseconds(100)) : consumer.Consume(token);
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    // For instance a subscribed topic that does not exist yet; it will once someone produces to it.
                    _logger.LogDebug("Kafka consumer {Handler}: {Reason}", handler.Name, ex.Error.Reason);
                    continue;
                }
                if (result?.Message is null) continue;
                if (handler.Broadcast) resume.Consumed(result.TopicPartitionOffset);
                var receipt = new OffsetReceipt(consumer, result.TopicPartitionOffset);
                if (result.Message.Headers?.TryGetLastBytes(TopicAnchorHeader, out _) == true)
                {
                    receipt.Durable();
                    continue;
                }
                try
                {
                    handler.HandleAsync(new BusMessage(result.Topic, result.Message.Key ?? "", result.Message.Value ?? [], handler.Stores ? receipt : null), token).AsTask().GetAwaiter().GetResult();
                    if (!handler.Stores) receipt.Durable();
                    // A shared handler's effect (a command made of a seed request) must not be made
                    // again by the member that reads the partition after a crash: commit it now
                    // (these records are few) rather than at the next auto-commit.
                    if (!handler.Stores && !handler.Broadcast) CommitNow(consumer, result.TopicPartitionOffset);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Not retried: only the store sink's records must not be skipped, and it retries itself.
                    _logger.LogError(ex, "Bus handler {Handler} failed on a {Topic} record", handler.Name, result.Topic);
                    receipt.Durable();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        consumer.Close();
    }

    private void CommitNow(IConsumer<string, byte[]> consumer, TopicPartitionOffset handled)
    {
        try
        {
            consumer.Commit([new TopicPartitionOffset(handled.TopicPartition, handled.Offset + 1)]);
        }
        catch (KafkaException ex)
        {
            // The auto-commit takes it later; a crash before then repeats the record once.
            _logger.LogDebug("Kafka commit of {Partition} failed: {Reason}", handled.TopicPartition, ex.Error.Reason);
        }
    }

    /// <summary>
    /// A group's committed position, or else the end as the broker has it now. The end is resolved
    /// here, before Ready completes, not later by librdkafka (Offset.End / auto.offset.reset are
    /// resolved after the first fetch starts), so a record produced after /readyz is 200 is never
    /// behind the starting point. A broadcast consumer takes the end only the first time it gets a
    /// partition: reassigned (a rebalance), it resumes where it was.
    /// </summary>
    private List<TopicPartitionOffset> StartPositions(IConsumer<string, byte[]> consumer, IBusHandler handler, List<TopicPartition> partitions, ResumePositions resume)
    {
        var timeout = TimeSpan.FromSeconds(10);
        var resumed = resume.Of(partitions);
        var rest = partitions.Where(p => !resumed.Any(r => r.TopicPartition == p)).ToList();
        try
        {
            var committed = handler.Broadcast || rest.Count == 0 ? [] : consumer.Committed(rest, timeout);
            var known = committed.Where(c => c.Offset.Value >= 0).ToList();
            var fresh = rest.Where(p => !known.Any(k => k.TopicPartition == p))
                .Select(p => new TopicPartitionOffset(p, consumer.QueryWatermarkOffsets(p, timeout).High)).ToList();
            // A shared group keeps this starting point: a record produced while every member is
            // down (a restart) is read when one is back, not skipped by a second "end".
            if (!handler.Broadcast && fresh.Count > 0) consumer.Commit(fresh);
            if (handler.Broadcast) resume.Started(fresh);
            return [.. resumed, .. known, .. fresh];
        }
        catch (KafkaException ex)
        {
            _logger.LogWarning("Kafka consumer {Handler}: start positions unknown ({Reason}); starting at the end", handler.Name, ex.Error.Reason);
            return [.. resumed, .. rest.Select(p => new TopicPartitionOffset(p, Offset.End))];
        }
    }

    /// <summary>
    /// While the store fails or its sink holds too much, the store sink's partitions stop being
    /// fetched (the records wait in Kafka, not in memory); they resume when it catches up.
    /// </summary>
    private bool PauseWhileStoreIsBehind(IConsumer<string, byte[]> consumer, bool paused)
    {
        bool behind = _backpressure.IsSet(ShedReason.StoreFailing) || _backpressure.IsSet(ShedReason.StoreBacklog);
        if (behind == paused) return paused;
        var assignment = consumer.Assignment;
        if (behind) consumer.Pause(assignment);
        else consumer.Resume(assignment);
        return behind;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _stopping.Cancel();
        foreach (var thread in _consumers) thread.Join(TimeSpan.FromSeconds(10));
        return Task.CompletedTask;
    }

    private void Log<T>(T client, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Warning,
            SyslogLevel.Warning or SyslogLevel.Notice => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        _logger.Log(level, "librdkafka {Facility}: {Message}", message.Facility, message.Message);
    }

    private void Error<T>(T client, Error error)
    {
        // librdkafka recovers from transient errors itself (broker restarts, rebalances); only fatal ones are ours to report.
        if (error.IsFatal) _logger.LogError("Kafka fatal error: {Reason}", error.Reason);
        else _logger.LogWarning("Kafka: {Reason}", error.Reason);
    }

    public void Dispose()
    {
        _producer.Dispose();
        _mockAnchor?.Dispose();
        _stopping.Dispose();
    }
}
