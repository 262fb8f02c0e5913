using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;
using SimIoT.Edge.Mqtt;
using SimIoT.Edge.Readings;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Edge.Tests.Mqtt;

/// <summary>A real broker on a free port with real clients: MQTTnet's and Debian's mosquitto_pub.</summary>
public sealed class MqttReadingBrokerTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ReadingChannel _readings = new();
    private readonly ErrorRecordingLogger _log = new();
    private MqttReadingBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = new MqttReadingBroker(new MqttBrokerOptions { Port = 0, BindAddress = "127.0.0.1", Username = "node", Password = "s3cret" }, _readings.Writer, logger: _log);
        await _broker.StartAsync();
    }

    /// <summary>Like MQTTnet's own tests: any error logged by the broker (or MQTTnet inside it) fails the test.</summary>
    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Assert.Empty(_log.Errors);
    }

    [Fact]
    public async Task An_MQTTnet_client_publishes_readings_that_reach_the_reading_stream()
    {
        using var client = await ConnectAsync("node", "s3cret");
        var t = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc).AddTicks(5);
        await client.PublishAsync(Message("simiot/esp32-a/imu", MqttReadingPayload.EncodeBinary(t, 1, 2, 1000)));
        await client.PublishAsync(Message("simiot/esp32-a/temp", "{\"v\":[2234]}"u8.ToArray()));

        var first = await NextAsync();
        Assert.Equal((DeviceCatalog.Imu, "mqtt:esp32-a"), (first.DeviceId, first.Origin));
        Assert.Equal([1, 2, 1000], first.Values);
        Assert.Equal(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc), first.TimestampUtc); // the wire keeps µs
        var second = await NextAsync();
        Assert.Equal([2234], second.Values);
        Assert.Equal(2, _broker.Accepted);
    }

    [Fact]
    public async Task Malformed_publishes_are_counted_and_not_forwarded()
    {
        var rejected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _broker.PublishRejected += (_, reason) => rejected.TrySetResult(reason);
        using var subscriber = await ConnectAsync("node", "s3cret");
        int forwarded = 0;
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref forwarded);
            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("simiot/#", MqttQualityOfServiceLevel.AtLeastOnce);

        using var client = await ConnectAsync("node", "s3cret");
        await client.PublishAsync(Message("simiot/esp32-a/gyro", "{\"v\":[1,2]}"u8.ToArray()));
        Assert.Contains("gyro takes 3 values", await rejected.Task.WaitAsync(Wait), StringComparison.Ordinal);
        await client.PublishAsync(Message("simiot/esp32-a/temp", "{\"v\":[1]}"u8.ToArray()));
        await NextAsync();
        Assert.Equal(1, _broker.Rejected);
        Assert.Equal(1, _broker.Accepted);
        Assert.False(_readings.Reader.TryRead(out _));
        // The valid one was forwarded to the subscriber, the malformed one was not.
        var deadline = DateTime.UtcNow + Wait;
        while (Volatile.Read(ref forwarded) < 1 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(1, Volatile.Read(ref forwarded));
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithCredentials("node", "guess").Build();
        var result = await client.ConnectAsync(options);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
        Assert.False(client.IsConnected);
        client.Dispose();
    }

    [Fact]
    public async Task Mosquitto_pub_publishes_json_and_binary_readings()
    {
        await MosquittoPubAsync("-i", "pi-zero", "-t", "simiot/pi-zero/temp", "-m", "{\"t\":1772366400000000,\"v\":[1999]}");
        var json = await NextAsync();
        Assert.Equal((DeviceCatalog.Temperature, "mqtt:pi-zero"), (json.DeviceId, json.Origin));
        Assert.Equal([1999], json.Values);

        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, MqttReadingPayload.EncodeBinary(null, -5, 10, 15));
            // MQTT 5 without a client id: the broker assigns one.
            await MosquittoPubAsync("-V", "mqttv5", "-t", "simiot/pi-zero/gyro", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }

        var binary = await NextAsync();
        Assert.Equal(DeviceCatalog.Gyro, binary.DeviceId);
        Assert.Equal([-5, 10, 15], binary.Values);

        await MosquittoPubAsync("-i", "pi-zero", "-t", "simiot/pi-zero/temp", "-m", "not a reading");
        Assert.Equal(1, _broker.Rejected);
    }

    private async Task MosquittoPubAsync(params string[] args)
    {
        var start = new ProcessStartInfo("mosquitto_pub") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-h", "127.0.0.1", "-p", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", "node", "-P", "s3cret", "-q", "1", .. args]) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("mosquitto_pub is missing: install mosquitto-clients (scripts/apt-packages.txt)", e);
        }

        using (process)
        {
            await process.WaitForExitAsync().WaitAsync(Wait);
            Assert.True(process.ExitCode == 0, $"mosquitto_pub failed: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    private async Task<IMqttClient> ConnectAsync(string user, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithCredentials(user, password).Build());
        return client;
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private async Task<Reading> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await _readings.Reader.ReadAsync(timeout.Token);
    }

    private sealed class ErrorRecordingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Errors { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= Microsoft.Extensions.Logging.LogLevel.Error) Errors.Enqueue(formatter(state, exception));
        }
    }
}
