using SimIoT.Edge.Modem;
using SimIoT.Edge.Mqtt;
using SimIoT.Edge.Queue;
using SimIoT.Edge.Sampling;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Edge.Uplink;

namespace SimIoT.Edge.Hosting;

/// <summary>The "Edge" configuration section (appsettings.json, SIMIOT_Edge__* environment, --Edge:X=Y).</summary>
public sealed class EdgeOptions
{
    public const string Section = "Edge";

    /// <summary>Use the register-level emulators instead of /dev/i2c-N (demo, tests, machines without sensors).</summary>
    public bool Emulate { get; set; }

    public List<SensorOptions> Sensors { get; set; } = [];

    public MqttBrokerOptions Mqtt { get; set; } = new();

    /// <summary>Readings handed to the sink at most per batch.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>Capacity of the reading stream between sources and sink (oldest dropped beyond).</summary>
    public int ReadingBuffer { get; set; } = 10_000;

    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>Folder of the store-and-forward queue (used by the card terminal).</summary>
    public string QueueDirectory { get; set; } = "/var/lib/simiot-edge/queue";

    public CardOptions Card { get; set; } = new();

    public UplinkOptions Uplink { get; set; } = new();

    /// <summary>The SIM terminal: BIP buffer, proactive chain limit, busy retry delay.</summary>
    public ToolkitTerminalOptions Terminal { get; set; } = new();

    /// <summary>The on-disk frame queue: limits, segment size, fsync policy.</summary>
    public FrameQueueOptions Queue { get; set; } = new();

    public ModemOptions Modem { get; set; } = new();
}
