namespace SimIoT.Edge.Readings;

/// <summary>
/// Where readings go: the card terminal in the finished agent, a logger for now. Readings arrive
/// in batches (everything that queued up while the previous batch was being submitted), in the
/// order they were sampled per source, so the sink can pack several into one APDU.
/// </summary>
public interface IReadingSink
{
    ValueTask SubmitAsync(IReadOnlyList<Reading> batch, CancellationToken cancellationToken);
}
