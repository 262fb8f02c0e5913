using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Sampling;

/// <summary>
/// Samples each sensor at its own rate on its own loop, so a slow or failing sensor never delays
/// the others. Sampling instants follow a fixed grid (start + k·period) rather than "period after
/// the last read", so the rate does not drift; a late tick is counted as an overrun and the grid
/// is re-anchored instead of bursting to catch up. Each reading is stamped with the clock's time
/// at the moment of sampling. A sensor that throws is logged with the reason, closed, and
/// re-opened after an exponential backoff (<see cref="SchedulerOptions"/>).
/// </summary>
public sealed class SensorScheduler
{
    private readonly IReadOnlyList<(ISensorSource Source, double RateHz)> _sensors;
    private readonly ChannelWriter<Reading> _output;
    private readonly TimeProvider _time;
    private readonly SchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SensorHealth> _health = new();
    private int _waiting;

    public SensorScheduler(
        IEnumerable<(ISensorSource Source, double RateHz)> sensors,
        ChannelWriter<Reading> output,
        TimeProvider? timeProvider = null,
        SchedulerOptions? options = null,
        ILogger? logger = null)
    {
        _sensors = [.. sensors ?? throw new ArgumentNullException(nameof(sensors))];
        foreach (var (source, rate) in _sensors)
        {
            if (!(rate > 0 && rate <= 10_000)) throw new ArgumentOutOfRangeException(nameof(sensors), $"{source.Name}: rate {rate} Hz is outside (0, 10000]");
            _health[source.Name] = new SensorHealth(source.Name, rate, SensorState.Starting, 0, 0, 0, null, TimeSpan.Zero, 0);
        }

        _output = output ?? throw new ArgumentNullException(nameof(output));
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new SchedulerOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    public IReadOnlyList<SensorHealth> Health => [.. _sensors.Select(s => _health[s.Source.Name])];

    /// <summary>Loops currently parked in a delay; lets tests advance a fake clock only when every loop is waiting.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    internal int SensorCount => _sensors.Count;

    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_sensors.Select(s => Task.Run(() => RunSensorAsync(s.Source, s.RateHz, cancellationToken), CancellationToken.None)));

    private async Task RunSensorAsync(ISensorSource source, double rateHz, CancellationToken ct)
    {
        var period = TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / rateHz));
        var backoff = _options.InitialBackoff;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (!TryOpen(source))
                {
                    Update(source, h => h with { NextRetryIn = backoff });
                    await DelayAsync(backoff, ct).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                    continue;
                }

                backoff = _options.InitialBackoff;
                await SampleUntilFailureAsync(source, period, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            source.Close();
            Update(source, h => h with { State = SensorState.Stopped, NextRetryIn = TimeSpan.Zero });
        }
    }

    private bool TryOpen(ISensorSource source)
    {
        try
        {
            source.Open();
            var before = _health[source.Name];
            if (before.ConsecutiveFailures > 0)
            {
                _logger.LogInformation("Sensor {Sensor} is back after {Failures} failed attempts", source.Name, before.ConsecutiveFailures);
            }
            else
            {
                _logger.LogInformation("Sensor {Sensor} is online at {Rate} Hz", source.Name, before.RateHz);
            }

            Update(source, h => h with { State = SensorState.Running, ConsecutiveFailures = 0, NextRetryIn = TimeSpan.Zero });
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(source, "could not be opened", e);
            source.Close();
            return false;
        }
    }

    private async Task SampleUntilFailureAsync(ISensorSource source, TimeSpan period, CancellationToken ct)
    {
        long count = 0;
        var next = _time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (_options.IdentityCheckEvery > 0 && count > 0 && count % _options.IdentityCheckEvery == 0) source.Verify();
                // The wire (temporenc DTS) keeps microseconds: truncate here so the reading and its packet agree.
                var now = _time.GetUtcNow().UtcDateTime;
                var stamp = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
                foreach (var reading in source.Sample(stamp))
                {
                    await _output.WriteAsync(reading, ct).ConfigureAwait(false);
                }

                count++;
                Update(source, h => h with { Samples = h.Samples + 1 });
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Fail(source, "stopped answering", e);
                source.Close();
                return;
            }

            next += period;
            var wait = next - _time.GetUtcNow();
            if (wait < TimeSpan.Zero)
            {
                Update(source, h => h with { Overruns = h.Overruns + 1 });
                next = _time.GetUtcNow();
                wait = TimeSpan.Zero;
            }

            await DelayAsync(wait, ct).ConfigureAwait(false);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            await Task.Yield();
            return;
        }

        // A loop counts as parked from the moment its timer exists until the timer fires: the count
        // drops inside the timer callback (synchronously within a fake clock's Advance), not when
        // the continuation gets to run, so a test that advances the clock whenever every loop is
        // parked never advances past a loop that has not yet taken its turn.
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int released = 0;
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref _waiting);
        }

        Interlocked.Increment(ref _waiting);
        using var registration = ct.Register(() =>
        {
            Release();
            fired.TrySetCanceled(ct);
        });
        using var timer = _time.CreateTimer(_ =>
        {
            Release();
            fired.TrySetResult();
        }, null, delay, Timeout.InfiniteTimeSpan);
        await fired.Task.ConfigureAwait(false);
    }

    private void Fail(ISensorSource source, string what, Exception e)
    {
        var health = Update(source, h => h with
        {
            State = SensorState.Failing,
            Failures = h.Failures + 1,
            ConsecutiveFailures = h.ConsecutiveFailures + 1,
            LastError = e.Message,
        });
        // Log every failure of a streak at first, then only every tenth, so an unplugged sensor does not flood the log.
        if (health.ConsecutiveFailures <= 3 || health.ConsecutiveFailures % 10 == 0)
        {
            _logger.LogWarning("Sensor {Sensor} {What} (attempt {Attempt}): {Reason}", source.Name, what, health.ConsecutiveFailures, e.Message);
        }
    }

    private SensorHealth Update(ISensorSource source, Func<SensorHealth, SensorHealth> change) =>
        _health.AddOrUpdate(source.Name, _ => throw new InvalidOperationException("unknown sensor"), (_, h) => change(h));
}
