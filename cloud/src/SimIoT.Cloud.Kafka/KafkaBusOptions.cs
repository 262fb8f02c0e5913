namespace SimIoT.Cloud.Kafka;

public sealed class KafkaBusOptions
{
    public const string Section = "Bus";

    /// <summary>The value of <see cref="Kafka"/> that starts librdkafka's in-process mock cluster.</summary>
    public const string Mock = "mock";

    /// <summary>Bootstrap servers; when set the bus is Kafka ("mock": librdkafka's in-process mock cluster).</summary>
    public string? Kafka { get; set; }

    /// <summary>Prefix of consumer group ids.</summary>
    public string GroupPrefix { get; set; } = "simiot";

    /// <summary>
    /// Names this process in the groups of broadcast handlers (SSE, gateway commands), which every
    /// process must see in full. Defaults to a fresh id per start.
    /// </summary>
    public string InstanceId { get; set; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Partitions of the topics this process creates when they do not exist.</summary>
    public int Partitions { get; set; } = 3;

    public short ReplicationFactor { get; set; } = 1;

    /// <summary>
    /// Create the topics at start. Off where the admin API is missing (librdkafka's mock cluster):
    /// then topics are auto-created by the first client that names them.
    /// </summary>
    public bool CreateTopics { get; set; } = true;

    /// <summary>
    /// How long librdkafka keeps trying to deliver a record (message.timeout.ms). Past it the
    /// record is reported failed and its frame is not acked: the edge sends it again.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>librdkafka's local queue (queue.buffering.max.messages); a record that finds it full is not published.</summary>
    public int ProducerQueueMessages { get; set; } = 1_000_000;

    /// <summary>Records waiting for the cluster's ack above which the gateway sheds new frames (below the queue's size).</summary>
    public int MaxInFlight { get; set; } = 200_000;

    /// <summary>
    /// How long a group waits for a silent member (session.timeout.ms) before giving its partitions
    /// to the others. librdkafka's 45 s default makes a killed gateway's share of the seed commands
    /// wait that long, and librdkafka's mock cluster holds every join to a running group for this
    /// time less a second before it assigns anything, so a second gateway's /readyz waited ~45 s.
    /// 10 s is above a broker's default group.min.session.timeout.ms (6 s).
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra librdkafka settings for every client (e.g. security.protocol).</summary>
    public Dictionary<string, string> Client { get; set; } = [];
}
