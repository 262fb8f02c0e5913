using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Store;

public interface ITelemetryStore
{
    /// <summary>Stores the readings; one already stored (same modem, sensor, device and sample time) is skipped.</summary>
    Task WriteAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken);

    /// <summary>
    /// Readings in [from, to], oldest first; when there are more than <paramref name="maxPoints"/>, the
    /// range is cut into that many equal buckets and each non-empty bucket gives its average.
    /// </summary>
    Task<IReadOnlyList<TelemetrySample>> QueryAsync(ModemId modemId, string sensor, DateTime from, DateTime to, int maxPoints, CancellationToken cancellationToken);
}
