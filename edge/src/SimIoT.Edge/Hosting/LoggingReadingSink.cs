using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SimIoT.Edge.Readings;

namespace SimIoT.Edge.Hosting;

/// <summary>
/// The stand-in sink until the card terminal is wired in: builds each reading's IoT Data packet
/// (so encoding errors show up now), logs every reading at Debug and a per-device summary every
/// <see cref="SummaryInterval"/> at Information.
/// </summary>
public sealed class LoggingReadingSink(ILogger<LoggingReadingSink> logger, TimeProvider time) : IReadingSink
{
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private DateTimeOffset _lastSummary = time.GetUtcNow();

    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(10);

    public long Total => _counts.Values.Sum();

    public ValueTask SubmitAsync(IReadOnlyList<Reading> batch, CancellationToken cancellationToken)
    {
        foreach (var reading in batch)
        {
            var packet = reading.ToPacket();
            _counts.AddOrUpdate($"{reading.Origin}/{reading.DeviceId}", 1, (_, n) => n + 1);
            if (logger.IsEnabled(LogLevel.Debug)) logger.LogDebug("{Reading} -> {Packet}", reading, Convert.ToHexString(packet.ToArray()));
        }

        var now = time.GetUtcNow();
        if (now - _lastSummary >= SummaryInterval)
        {
            _lastSummary = now;
            logger.LogInformation("Readings so far: {Counts}", string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));
        }

        return ValueTask.CompletedTask;
    }
}
