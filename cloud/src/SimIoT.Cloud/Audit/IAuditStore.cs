namespace SimIoT.Cloud.Audit;

public interface IAuditStore
{
    /// <summary>Appends the record (its Id is ignored) and gives it its id.</summary>
    Task<long> AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>An organization's records older than <paramref name="before"/> (an id; all when null), newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ListAuditAsync(string organization, long? before, int limit, CancellationToken cancellationToken);
}
