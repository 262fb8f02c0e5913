using Microsoft.Extensions.Time.Testing;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Sampling;
using SimIoT.Edge.Sensors.Bme280;
using SimIoT.Edge.Sensors.Emulation;
using SimIoT.Edge.Sensors.Mpu6050;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;

namespace SimIoT.Edge.Tests.Sampling;

/// <summary>
/// The scheduler with emulated chips and a fake clock: time moves only when the test advances
/// it, and only once every sensor loop is parked in its delay, so nothing here sleeps.
/// </summary>
public sealed class SensorSchedulerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Mpu6050Settings Polled = new() { SampleRateHz = 10 };
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ReadingChannel _readings = new();
    private readonly List<Reading> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    [Fact]
    public async Task Each_sensor_runs_at_its_own_rate_with_sampling_timestamps()
    {
        var mpu = new Mpu6050Emulator(timeProvider: _time);
        var bme = new Bme280Emulator(timeProvider: _time);
        var scheduler = Start2(new Mpu6050Source("mpu", () => mpu, Polled), 10, new Bme280Source("bme", () => bme, new Bme280Settings()), 1);

        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 10);

        var imu = _seen.Where(r => r.DeviceId == DeviceCatalog.Imu).ToList();
        var gyro = _seen.Where(r => r.DeviceId == DeviceCatalog.Gyro).ToList();
        var temp = _seen.Where(r => r.DeviceId == DeviceCatalog.Temperature).ToList();
        Assert.Equal(11, imu.Count); // t = 0, 0.1, ..., 1.0 s
        Assert.Equal(11, gyro.Count);
        Assert.Equal(2, temp.Count); // t = 0 and 1 s
        Assert.Equal(Enumerable.Range(0, 11).Select(i => Start.UtcDateTime.AddMilliseconds(100 * i)), imu.Select(r => r.TimestampUtc));
        Assert.Equal([Start.UtcDateTime, Start.UtcDateTime.AddSeconds(1)], temp.Select(r => r.TimestampUtc));
        Assert.All(imu, r => Assert.Equal(3, r.Values.Length));
        Assert.InRange(temp[0].Values[0], 1900, 2300); // the emulated room, centi-°C
    }

    [Fact]
    public async Task A_100_Hz_MPU_is_drained_from_its_FIFO_with_one_timestamp_per_sample()
    {
        var mpu = new Mpu6050Emulator(timeProvider: _time) { FixedAcceleration = (0, 0, 1) };
        var source = new Mpu6050Source("mpu", () => mpu, new Mpu6050Settings { SampleRateHz = 100 });
        Assert.Equal(10, source.PollRateHz);
        var scheduler = Start1(source, source.PollRateHz);

        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 10);

        var imu = _seen.Where(r => r.DeviceId == DeviceCatalog.Imu).ToList();
        // The FIFO starts empty at t = 0 and gains 10 samples per 100 ms step: 100 samples in 1 s,
        // each stamped 10 ms after the one before, the newest at the drain's own instant.
        Assert.Equal(100, imu.Count);
        Assert.Equal(Start.UtcDateTime.AddSeconds(1), imu[^1].TimestampUtc);
        Assert.All(imu.Zip(imu.Skip(1)), p => Assert.Equal(TimeSpan.FromMilliseconds(10), p.Second.TimestampUtc - p.First.TimestampUtc));
        Assert.All(imu, r => Assert.Equal([0, 0, 1000], r.Values));
        Assert.Equal(0, mpu.FifoCount);
    }

    [Fact]
    public async Task Readings_become_seed_IoT_Data_packets()
    {
        var bme = new Bme280Emulator(timeProvider: _time) { Climate = _ => (21.5, 100000, 40) };
        var scheduler = Start1(new Bme280Source("bme", () => bme, new Bme280Settings()), 1);
        await StepAsync(scheduler, TimeSpan.FromSeconds(1), 0);
        var packet = _seen.Single().ToPacket();
        Assert.Equal(V1PacketKind.IotData, packet.Kind);
        Assert.Equal(DeviceCatalog.Temperature, packet.DeviceId);
        Assert.Equal(Start.UtcDateTime, packet.Timestamp);
        Assert.True(TelemetryValues.TryDecode(packet.Data.Span, out var values));
        Assert.Equal([2150], values);
    }

    [Fact]
    public async Task A_nacking_sensor_is_reported_retried_with_backoff_and_never_stops_the_other()
    {
        var mpu = new Mpu6050Emulator(timeProvider: _time);
        var bme = new Bme280Emulator(timeProvider: _time);
        var scheduler = Start2(new Mpu6050Source("mpu", () => mpu, Polled), 10, new Bme280Source("bme", () => bme, new Bme280Settings()), 10,
            new SchedulerOptions { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromMilliseconds(800) });
        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 2);

        mpu.Unplug();
        int transfersAtUnplug = mpu.Transfers;
        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 40); // 4 s unplugged

        var mpuHealth = scheduler.Health.Single(h => h.Name == "mpu");
        Assert.Equal(SensorState.Failing, mpuHealth.State);
        Assert.Contains("No such device or address", mpuHealth.LastError, StringComparison.Ordinal);
        // Failed read at 0.3 s and an immediate re-open there, then re-opens after 0.2, 0.4, 0.8, 0.8, 0.8 s
        // (capped) at 0.5, 0.9, 1.7, 2.5, 3.3, 4.1 s: 8 attempts in 4 s instead of 40 reads.
        Assert.Equal(8, mpuHealth.ConsecutiveFailures);
        Assert.Equal(8, mpu.Transfers - transfersAtUnplug);
        Assert.Equal(800, mpuHealth.NextRetryIn.TotalMilliseconds);
        // The BME280 kept its 10 Hz throughout: 43 samples in 4.2 s.
        Assert.Equal(43, _seen.Count(r => r.Origin == "bme"));

        mpu.Plug();
        int before = _seen.Count(r => r.Origin == "mpu");
        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 10);
        Assert.Equal(SensorState.Running, scheduler.Health.Single(h => h.Name == "mpu").State);
        Assert.True(_seen.Count(r => r.Origin == "mpu") > before, "the replugged MPU-6050 should be sampled again");
    }

    [Fact]
    public async Task A_wrong_chip_is_reported_with_its_id_and_picked_up_when_the_right_one_answers()
    {
        var bme = new Bme280Emulator(timeProvider: _time) { Fault = I2cFault.WrongId };
        var scheduler = Start1(new Bme280Source("bme", () => bme, new Bme280Settings()), 1, new SchedulerOptions { InitialBackoff = TimeSpan.FromSeconds(1) });
        await StepAsync(scheduler, TimeSpan.FromSeconds(1), 1);
        var health = scheduler.Health.Single();
        Assert.Equal(SensorState.Failing, health.State);
        Assert.Contains("chip id is 0x58", health.LastError, StringComparison.Ordinal);
        Assert.Empty(_seen);

        bme.Fault = I2cFault.None;
        await StepAsync(scheduler, TimeSpan.FromSeconds(1), 4);
        Assert.Equal(SensorState.Running, scheduler.Health.Single().State);
        Assert.NotEmpty(_seen);
    }

    [Fact]
    public async Task A_chip_swapped_while_running_is_caught_by_the_identity_recheck()
    {
        var mpu = new Mpu6050Emulator(timeProvider: _time);
        var scheduler = Start1(new Mpu6050Source("mpu", () => mpu, Polled), 10, new SchedulerOptions { IdentityCheckEvery = 5, InitialBackoff = TimeSpan.FromSeconds(10) });
        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 2);
        mpu.Fault = I2cFault.WrongId;
        await StepAsync(scheduler, TimeSpan.FromMilliseconds(100), 5);
        var health = scheduler.Health.Single();
        Assert.Equal(SensorState.Failing, health.State);
        Assert.Contains("WHO_AM_I", health.LastError, StringComparison.Ordinal);
        Assert.Equal(5, health.Samples);
    }

    [Fact]
    public async Task A_stuck_bus_does_not_stop_the_agent()
    {
        var mpu = new Mpu6050Emulator(timeProvider: _time) { Fault = I2cFault.StuckBus };
        var scheduler = Start1(new Mpu6050Source("mpu", () => mpu, Polled), 100, new SchedulerOptions { InitialBackoff = TimeSpan.FromMilliseconds(10) });
        await StepAsync(scheduler, TimeSpan.FromMilliseconds(10), 5);
        Assert.Contains("timed out", scheduler.Health.Single().LastError, StringComparison.Ordinal);
        Assert.False(_run!.IsCompleted);
    }

    [Fact]
    public async Task Timestamps_are_UTC_truncated_to_microseconds()
    {
        _time.Advance(TimeSpan.FromTicks(1234567)); // 123.4567 ms: sub-microsecond ticks present
        var bme = new Bme280Emulator(timeProvider: _time);
        var scheduler = Start1(new Bme280Source("bme", () => bme, new Bme280Settings()), 1);
        await StepAsync(scheduler, TimeSpan.FromSeconds(1), 0);
        var stamp = _seen.Single().TimestampUtc;
        Assert.Equal(DateTimeKind.Utc, stamp.Kind);
        Assert.Equal(Start.UtcDateTime.AddTicks(1234560), stamp);
        Assert.Equal(stamp, _seen.Single().ToPacket().Timestamp);
    }

    [Fact]
    public void Rejects_an_impossible_rate() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SensorScheduler([(new Bme280Source("bme", () => new Bme280Emulator(), new Bme280Settings()), 0)], _readings.Writer));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null) await _run.WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private SensorScheduler Start1(ISensorSource a, double rateA, SchedulerOptions? options = null) => Run(new SensorScheduler([(a, rateA)], _readings.Writer, _time, options));

    private SensorScheduler Start2(ISensorSource a, double rateA, ISensorSource b, double rateB, SchedulerOptions? options = null) =>
        Run(new SensorScheduler([(a, rateA), (b, rateB)], _readings.Writer, _time, options));

    private SensorScheduler Run(SensorScheduler scheduler)
    {
        _run = scheduler.RunAsync(_stop.Token);
        return scheduler;
    }

    /// <summary>Advances the clock <paramref name="steps"/> times, each time after every loop has parked.</summary>
    private async Task StepAsync(SensorScheduler scheduler, TimeSpan step, int steps)
    {
        for (int i = 0; i <= steps; i++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (scheduler.Waiting < scheduler.SensorCount)
            {
                Assert.True(DateTime.UtcNow < deadline, "sensor loops did not park");
                Assert.False(_run!.IsFaulted, _run.Exception?.ToString());
                await Task.Delay(1);
            }

            while (_readings.Reader.TryRead(out var r)) _seen.Add(r);
            if (i < steps) _time.Advance(step);
        }
    }
}
