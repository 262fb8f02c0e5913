using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SimIoT.Edge.Readings;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Mqtt;

/// <summary>
/// An embedded MQTTnet broker: satellite nodes publish readings on <c>simiot/&lt;node&gt;/&lt;device&gt;</c>
/// (see <see cref="MqttReadingPayload"/>); valid ones are written to the same reading stream as the
/// local sensors, malformed ones are rejected (not forwarded to subscribers) and counted by reason.
/// Other topics pass through untouched.
/// </summary>
public sealed class MqttReadingBroker : IAsyncDisposable
{
    private readonly MqttBrokerOptions _options;
    private readonly ChannelWriter<Reading> _output;
    private readonly DeviceCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, long> _rejectedByReason = new();
    private MqttServer? _server;
    private long _accepted, _rejected;

    public MqttReadingBroker(MqttBrokerOptions options, ChannelWriter<Reading> output, DeviceCatalog? catalog = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _catalog = catalog ?? DeviceCatalog.Default;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    public int Port { get; private set; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Rejections by reason kind (the text before the first detail), for diagnostics.</summary>
    public IReadOnlyDictionary<string, long> RejectedByReason => _rejectedByReason;

    /// <summary>Raised after each rejected publish with the topic and the reason (tests await it).</summary>
    public event Action<string, string>? PublishRejected;

    public async Task StartAsync()
    {
        var address = _options.ResolveBindAddress();
        Port = _options.Port != 0 ? _options.Port : FreePort(address);
        var factory = new MqttServerFactory(new MqttNetLogBridge(_logger));
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(Port)
            .Build();
        _server = factory.CreateMqttServer(options);
        _server.ValidatingConnectionAsync += ValidateAsync;
        _server.InterceptingPublishAsync += InterceptAsync;
        await _server.StartAsync().ConfigureAwait(false);
        _logger.LogInformation("MQTT broker for sensor nodes listening on {Address}:{Port}{Auth}", address, Port, _options.Username is null ? "" : " (user name and password required)");
    }

    public async Task StopAsync()
    {
        if (_server is null) return;
        await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
        _server.Dispose();
        _server = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        // An MQTT 5 client may leave its id empty for the broker to assign; MQTTnet refuses that
        // unless the handler assigns one. (MQTTnet refuses empty ids from 3.1.1 clients regardless:
        // nodes send their node name as client id, see docs/mqtt.md.)
        if (string.IsNullOrEmpty(e.ClientId)) e.AssignedClientIdentifier = "anonymous-" + Guid.NewGuid().ToString("N")[..12];
        if (_options.Username is not null && (e.UserName != _options.Username || e.Password != _options.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            _logger.LogWarning("MQTT client {Client} from {Endpoint} refused: bad user name or password", e.ClientId, e.RemoteEndPoint);
        }

        return Task.CompletedTask;
    }

    private async Task InterceptAsync(InterceptingPublishEventArgs e)
    {
        string topic = e.ApplicationMessage.Topic;
        if (!topic.StartsWith(MqttReadingPayload.TopicPrefix, StringComparison.Ordinal)) return;
        byte[] payload = BuffersExtensions.ToArray(e.ApplicationMessage.Payload);
        if (MqttReadingPayload.TryDecode(topic, payload, _time.GetUtcNow().UtcDateTime, _catalog, out var reading, out string error))
        {
            await _output.WriteAsync(reading, e.CancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _accepted);
            return;
        }

        e.ProcessPublish = false;
        long count = Interlocked.Increment(ref _rejected);
        string kind = error.Split(':', '(')[0].Trim();
        _rejectedByReason.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (count <= 10 || count % 100 == 0)
        {
            _logger.LogWarning("Rejected MQTT publish from {Client} on {Topic}: {Reason} ({Count} rejected so far)", e.ClientId, topic, error, count);
        }

        PublishRejected?.Invoke(topic, error);
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
