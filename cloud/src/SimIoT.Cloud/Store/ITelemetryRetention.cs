namespace SimIoT.Cloud.Store;

/// <summary>
/// One bounded step of retention each call: at most <c>batchSize</c> rows of one tier, in one short
/// transaction, so ingest writes between steps. Each returns how many source rows it removed (0 once
/// nothing older than the cutoff is left in reach).
/// </summary>
public interface ITelemetryRetention
{
    /// <summary>Folds raw readings older than their sensor's cutoff into minute roll-ups and deletes them.</summary>
    Task<int> ExpireRawAsync(RawCutoffs cutoffs, int batchSize, CancellationToken cancellationToken);

    /// <summary>Folds minute roll-ups older than the cutoff into hour roll-ups and deletes them.</summary>
    Task<int> ExpireMinutesAsync(DateTime before, int batchSize, CancellationToken cancellationToken);

    /// <summary>Deletes hour roll-ups older than the cutoff.</summary>
    Task<int> ExpireHoursAsync(DateTime before, int batchSize, CancellationToken cancellationToken);
}
