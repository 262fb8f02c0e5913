namespace SimIoT.Cloud.Audit;

/// <summary>One state change: who (user:NAME, token:NAME or cli), when, what, on what, from where.</summary>
public sealed record AuditRecord(long Id, string Organization, DateTime At, string Actor, string Action, string Target, string? Detail, string? Address);
