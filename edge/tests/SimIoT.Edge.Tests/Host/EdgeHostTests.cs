using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Protocol;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Mqtt;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sampling;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Tests.Host;

/// <summary>The whole agent host in-process: emulated sensors and an MQTT node feeding a pluggable sink.</summary>
public sealed class EdgeHostTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public void Every_option_binds_from_configuration_with_durations_as_TimeSpan()
    {
        var builder = EdgeHost.CreateBuilder(
        [
            "--Edge:Card:Transport=none", "--Edge:Uplink:Keepalive=00:00:07", "--Edge:Uplink:RecoveryMax=00:00:03",
            "--Edge:Scheduler:InitialBackoff=00:00:00.250", "--Edge:Terminal:BusyRetryDelay=00:00:00.020",
            "--Edge:Queue:MaxFrames=123", "--Edge:Queue:SyncInterval=00:00:00.050",
        ]);
        builder.Services.AddEdgeAgent(builder.Configuration);
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EdgeOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), options.Uplink.Keepalive);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Uplink.RecoveryMax);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Scheduler.InitialBackoff);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Terminal.BusyRetryDelay);
        Assert.Equal(123, options.Queue.MaxFrames);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.Queue.SyncInterval);
    }

    [Fact]
    public async Task Run_with_emulators_delivers_local_and_mqtt_readings_to_the_plugged_in_sink()
    {
        var sink = new CollectingSink();
        var builder = EdgeHost.CreateBuilder(["--Edge:Mqtt:Port=0", "--Edge:Mqtt:BindAddress=127.0.0.1", "--Edge:Sensors:0:RateHz=50", "--Edge:Sensors:1:RateHz=10"], emulate: true);
        builder.Services.AddSingleton<IReadingSink>(sink);
        builder.Services.AddEdgeAgent(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await sink.WaitForAsync(r => r.DeviceId == DeviceCatalog.Temperature && r.Origin == "bme280");
            await sink.WaitForAsync(r => r.DeviceId == DeviceCatalog.Imu && r.Origin == "mpu6050");
            await sink.WaitForAsync(r => r.DeviceId == DeviceCatalog.Gyro);

            var broker = host.Services.GetRequiredService<MqttBrokerService>().Broker!;
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("esp32-hall").Build());
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("simiot/esp32-hall/temp")
                .WithPayload(MqttReadingPayload.EncodeBinary(null, 1875)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            var remote = await sink.WaitForAsync(r => r.Origin == "mqtt:esp32-hall");
            Assert.Equal([1875], remote.Values);

            var health = host.Services.GetRequiredService<SamplingService>().Scheduler!.Health;
            Assert.All(health, h => Assert.Equal(SensorState.Running, h.State));
            Assert.True(sink.Batches > 0);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private sealed class CollectingSink : IReadingSink
    {
        private readonly ConcurrentQueue<Reading> _readings = new();
        private readonly SemaphoreSlim _arrived = new(0);
        private int _batches;

        public int Batches => Volatile.Read(ref _batches);

        public ValueTask SubmitAsync(IReadOnlyList<Reading> batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _batches);
            foreach (var r in batch)
            {
                _ = r.ToPacket(); // every reading must make a valid seed packet
                _readings.Enqueue(r);
            }

            _arrived.Release();
            return ValueTask.CompletedTask;
        }

        public async Task<Reading> WaitForAsync(Func<Reading, bool> match)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (true)
            {
                var hit = _readings.FirstOrDefault(match);
                if (hit is not null) return hit;
                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, "the expected reading never reached the sink");
                await _arrived.WaitAsync(left);
            }
        }
    }
}
