namespace SimIoT.Cloud.Store;

/// <summary>Readiness of the store: it answers a write now.</summary>
public interface IStoreProbe
{
    /// <summary>Commits a write that leaves no trace; throws when the store cannot take writes.</summary>
    Task ProbeWriteAsync(CancellationToken cancellationToken);
}
