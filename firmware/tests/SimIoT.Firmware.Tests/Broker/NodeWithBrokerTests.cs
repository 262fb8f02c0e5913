using System.Diagnostics;
using SimIoT.Edge.Mqtt;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Firmware.Config;
using SimIoT.Firmware.Node;
using SimIoT.Firmware.Sensors;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Firmware.Tests.Broker;

/// <summary>The core with MQTTnet against the agent's real MQTT broker (port 0), emulated chips, the host's clock.</summary>
public sealed class NodeWithBrokerTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly HostClock _clock = new(synced: true);
    private readonly Mpu6050Emulator _mpuChip = new();
    private readonly Bme280Emulator _bmeChip = new();
    private readonly RecordingObserver _observer = new();
    private readonly ReadingChannel _received = new();
    private readonly List<MqttReadingBroker> _brokers = [];
    private MqttNetLink? _link;

    public async ValueTask DisposeAsync()
    {
        _link?.Dispose();
        foreach (var broker in _brokers) await broker.DisposeAsync();
        _mpuChip.Dispose();
        _bmeChip.Dispose();
    }

    [Fact]
    public async Task Readings_reach_the_agent_as_the_nodes_with_the_emulated_values()
    {
        var broker = await StartBrokerAsync(0);
        _bmeChip.Climate = _ => (19.75, 100000, 50);
        _mpuChip.FixedAcceleration = (0.1, 0.2, 0.97);
        var loop = Loop(broker.Port, "imu:20,temp:20");
        RunUntil(loop, () => loop.Published >= 10);

        var received = await ReceivedAsync(r => r.Count >= _observer.Acknowledged.Count);
        Assert.Equal(_observer.Acknowledged.Count, received.Count);
        Assert.All(received, r => Assert.Equal("mqtt:greenhouse", r.Origin));
        Assert.All(received.Where(r => r.DeviceId == DeviceCatalog.Temperature), r => Assert.InRange(r.Values[0], 1974, 1976));
        Assert.All(received.Where(r => r.DeviceId == DeviceCatalog.Imu), r => Assert.Equal([100, 200, 970], r.Values));
        Assert.Equal(_observer.Acknowledged.Select(a => a.Micros), received.Select(r => (r.TimestampUtc - DateTime.UnixEpoch).Ticks / 10));
    }

    [Fact]
    public async Task A_broker_restart_mid_stream_loses_nothing_readings_are_buffered_then_delivered()
    {
        var first = await StartBrokerAsync(0);
        var loop = Loop(first.Port, "imu:50,temp:10");
        RunUntil(loop, () => loop.Published >= 20);

        await first.StopAsync();
        RunUntil(loop, () => loop.LinkFailures >= 1 && loop.Ring.Count >= 50);
        long bufferedAtRestart = loop.Ring.Count;
        long publishedBefore = loop.Published;

        var second = await StartBrokerAsync(first.Port);
        RunUntil(loop, () => loop.IsConnected && loop.Ring.Count == 0 && loop.Published >= publishedBefore + bufferedAtRestart);

        Assert.Equal(0, loop.Ring.Dropped);
        // Every sampled reading was acknowledged once, in sampling order: the node lost nothing and skipped nothing.
        Assert.Equal(Enumerable.Range(0, (int)loop.Sampled).Select(i => (long)i), _observer.Acknowledged.Select(a => a.Sequence));
        var received = await ReceivedAsync(r => r.Select(x => (x.DeviceId, x.TimestampUtc)).Distinct().Count() >= _observer.Acknowledged.Count);
        var keys = received.Select(r => (r.DeviceId, r.TimestampUtc)).ToList();
        var expected = _observer.Acknowledged.Select(a => (Device(a.Kind), DateTime.UnixEpoch.AddTicks(a.Micros * 10))).ToHashSet();
        Assert.Subset(keys.ToHashSet(), expected);
        Assert.Subset(expected, keys.ToHashSet());
        // QoS 1 is at-least-once: a reading whose PUBACK was lost with the connection may arrive twice, nothing more.
        Assert.InRange(keys.Count - keys.Distinct().Count(), 0, (int)loop.LinkFailures);
        Assert.Equal(2, _observer.Events.Count(e => e.StartsWith("connected to", StringComparison.Ordinal)));
        string reconnect = _observer.Events.Last(e => e.StartsWith("connected to", StringComparison.Ordinal));
        int backlog = int.Parse(reconnect.Split("; ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(backlog >= bufferedAtRestart, reconnect);
        Assert.True(second.Accepted > 0);
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_and_retried_with_growing_backoff_while_sampling_goes_on()
    {
        var broker = await StartBrokerAsync(0, user: "node", password: "s3cret");
        var loop = Loop(broker.Port, "temp:10", user: "node", password: "wrong");
        var attempts = new List<long>(); // when each failed attempt was over; the next may start only its delay later
        RunUntil(loop, () =>
        {
            if (attempts.Count < loop.LinkFailures) attempts.Add(_clock.UptimeMilliseconds);
            return loop.LinkFailures >= 3;
        });

        var refusals = _observer.Events.Where(e => e.Contains("refused the connection: bad user name or password (CONNACK 4)", StringComparison.Ordinal)).ToList();
        Assert.True(refusals.Count == 3, string.Join("\n", _observer.Events));
        int[] delays = refusals.Select(e => int.Parse(e[(e.LastIndexOf("retry in ", StringComparison.Ordinal) + 9)..^3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.InRange(delays[0], 500, 1000);
        Assert.InRange(delays[1], 1000, 2000);
        Assert.True(attempts[1] - attempts[0] >= delays[0] && attempts[2] - attempts[1] >= delays[1], $"attempts at {string.Join(", ", attempts)} ms, delays {string.Join(", ", delays)}");
        Assert.False(loop.IsConnected);
        Assert.True(loop.Sampled >= 15 && loop.Ring.Count == loop.Sampled, $"{loop.Sampled} sampled, {loop.Ring.Count} buffered");
        Assert.Equal(0, broker.Accepted);
    }

    private static uint Device(SensorKind kind) => kind switch
    {
        SensorKind.Imu => DeviceCatalog.Imu,
        SensorKind.Gyro => DeviceCatalog.Gyro,
        _ => DeviceCatalog.Temperature,
    };

    private async Task<MqttReadingBroker> StartBrokerAsync(int port, string? user = null, string? password = null)
    {
        var broker = new MqttReadingBroker(new MqttBrokerOptions { Port = port, BindAddress = "127.0.0.1", Username = user, Password = password }, _received.Writer);
        await broker.StartAsync();
        _brokers.Add(broker);
        return broker;
    }

    private NodeLoop Loop(int port, string sensors, string? user = null, string? password = null)
    {
        var config = new NodeConfiguration("greenhouse", "127.0.0.1", port, NodeConfiguration.ParseSensors(sensors, 0)) { User = user, Password = password };
        _link = new MqttNetLink("127.0.0.1", port) { Timeout = TimeSpan.FromSeconds(5) };
        var mpu = new Mpu6050(new I2cDeviceAdapter(_mpuChip));
        ISensor[] sensorsOnBoard = [ChipSensor.Accelerometer(mpu), ChipSensor.Gyroscope(mpu), ChipSensor.Temperature(new Bme280(new I2cDeviceAdapter(_bmeChip), _clock))];
        return new NodeLoop(config, sensorsOnBoard, _link, _clock, _clock, _observer, new Random(3));
    }

    /// <summary>Drives the loop on this thread, as the device's main thread does, until the condition holds.</summary>
    private static void RunUntil(NodeLoop loop, Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Wait, $"timed out: {loop.Published} published, {loop.Ring.Count} buffered, {loop.LinkFailures} link failures, last error: {loop.LastError}");
            loop.RunOnce();
        }
    }

    /// <summary>What the agent's broker forwarded, read until <paramref name="enough"/> holds (the broker may acknowledge before the stream has the reading).</summary>
    private async Task<List<Reading>> ReceivedAsync(Func<List<Reading>, bool> enough)
    {
        var list = new List<Reading>();
        using var cts = new CancellationTokenSource(Wait);
        while (!enough(list)) list.Add(await _received.Reader.ReadAsync(cts.Token));
        while (_received.Reader.TryRead(out var r)) list.Add(r);
        return list;
    }
}
