using System.Net;
using System.Net.Sockets;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Firmware.Config;
using SimIoT.Firmware.Node;
using SimIoT.Firmware.Sensors;

namespace SimIoT.Firmware.Tests.Core;

/// <summary>The loop on a fake clock with emulated chips and a broker address nobody listens on (a real refused TCP connect).</summary>
public sealed class NodeLoopTests : IDisposable
{
    private readonly FakeClock _clock = new();
    private readonly Mpu6050Emulator _mpuChip = new();
    private readonly Bme280Emulator _bmeChip = new();
    private readonly RecordingObserver _observer = new();
    private readonly MqttNetLink _link = new("127.0.0.1", ClosedPort());

    public void Dispose()
    {
        _link.Dispose();
        _mpuChip.Dispose();
        _bmeChip.Dispose();
    }

    [Fact]
    public void Without_a_broker_every_pass_is_short_and_readings_wait_in_the_ring_oldest_dropped_first()
    {
        var loop = Loop("imu:100,temp:1", buffer: 50);
        while (_clock.UptimeMilliseconds < 3000) loop.RunOnce();

        Assert.All(_clock.Sleeps, s => Assert.InRange(s, 1, NodeLoop.MaxSleepMilliseconds));
        Assert.Equal(300 + 3, loop.Sampled);
        Assert.Equal((50, loop.Sampled - 50), (loop.Ring.Count, loop.Ring.Dropped));
        Assert.True(loop.LinkFailures >= 2, $"{loop.LinkFailures} connect attempts in 3 s");
        Assert.Contains(_observer.Events, e => e.Contains("unreachable", StringComparison.Ordinal));
        Assert.False(loop.IsConnected);
    }

    [Fact]
    public void Readings_carry_zero_until_the_clock_is_synced_then_the_sampling_instant()
    {
        var loop = Loop("temp:10", buffer: 100);
        while (_clock.UptimeMilliseconds < 500) loop.RunOnce();
        _clock.IsSynced = true;
        long syncedAt = _clock.UnixMicroseconds;
        while (_clock.UptimeMilliseconds < 1000) loop.RunOnce();

        var stamps = new List<long>();
        while (loop.Ring.PeekOldest() is { } r)
        {
            stamps.Add(r.UnixMicroseconds);
            loop.Ring.RemoveOldest();
        }

        Assert.Equal([0, 0, 0, 0, 0], stamps.Take(5));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => syncedAt + i * 100_000L), stamps.Skip(5));
    }

    [Fact]
    public void A_failing_sensor_is_reopened_after_backoff_while_the_others_go_on()
    {
        var loop = Loop("imu:10,temp:10", buffer: 1000);
        _mpuChip.Fault = I2cFault.Nack;
        while (_clock.UptimeMilliseconds < 2000) loop.RunOnce();
        var whileFailing = Drain(loop);
        Assert.Equal(20, whileFailing.Count(k => k == SensorKind.Temp));
        Assert.DoesNotContain(SensorKind.Imu, whileFailing);
        Assert.True(loop.SensorFailures >= 2, $"{loop.SensorFailures} sensor failures");
        Assert.Contains(_observer.Events, e => e.StartsWith("imu: I2C 0x68", StringComparison.Ordinal) && e.Contains("re-open in", StringComparison.Ordinal));

        _mpuChip.Fault = I2cFault.None;
        _mpuChip.Unplug();
        _mpuChip.Plug(); // back from a power cycle: asleep, configuration lost, so the loop must Open it again
        while (_clock.UptimeMilliseconds < 8000) loop.RunOnce();
        Assert.Contains(SensorKind.Imu, Drain(loop));
        Assert.False(_mpuChip.IsAsleep);
    }

    [Fact]
    public void A_configuration_naming_a_sensor_the_node_lacks_is_refused()
    {
        var config = new NodeConfiguration("n1", "127.0.0.1", 1, NodeConfiguration.ParseSensors("gyro", 0));
        var e = Assert.Throws<ConfigurationException>(() => new NodeLoop(config, [Temperature()], _link, _clock, _clock, _observer, new Random(1)));
        Assert.Equal("no gyro sensor on this node", e.Message);
    }

    /// <summary>Empties the ring, returning the kinds of the readings it held, oldest first.</summary>
    private static List<SensorKind> Drain(NodeLoop loop)
    {
        var kinds = new List<SensorKind>();
        while (loop.Ring.PeekOldest() is { } r)
        {
            kinds.Add(r.Kind);
            loop.Ring.RemoveOldest();
        }

        return kinds;
    }

    private NodeLoop Loop(string sensors, int buffer)
    {
        var config = new NodeConfiguration("n1", "127.0.0.1", 1, NodeConfiguration.ParseSensors(sensors, 0)) { BufferReadings = buffer };
        var mpu = new Mpu6050(new I2cDeviceAdapter(_mpuChip));
        return new NodeLoop(config, [ChipSensor.Accelerometer(mpu), ChipSensor.Gyroscope(mpu), Temperature()], _link, _clock, _clock, _observer, new Random(7));
    }

    private ChipSensor Temperature() => ChipSensor.Temperature(new Bme280(new I2cDeviceAdapter(_bmeChip), _clock));

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
