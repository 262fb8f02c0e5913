namespace SimIoT.Cloud.Api;

/// <param name="Total">Commands made: one per selected modem.</param>
public sealed record BulkCommandAccepted(long Id, string Carrier, int Total);
