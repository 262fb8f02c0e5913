namespace SimIoT.Cloud.Api;

/// <param name="Total">Commands made: one per selected modem below the per-modem queue cap.</param>
/// <param name="Skipped">Selected modems that already had <c>Commands:MaxQueuedPerModem</c> open commands: none made for them.</param>
public sealed record BulkCommandAccepted(long Id, string Carrier, int Total, int Skipped);
