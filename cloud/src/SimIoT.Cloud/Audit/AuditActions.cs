namespace SimIoT.Cloud.Audit;

/// <summary>The audited actions, as they appear in the audit's <c>action</c> field.</summary>
public static class AuditActions
{
    public const string ModemRegistered = "modem.registered";
    public const string ModemDeleted = "modem.deleted";
    public const string ModemRekeyed = "modem.rekeyed";
    public const string ModemRenamed = "modem.renamed";
    public const string ModemTagged = "modem.tagged";
    public const string DownlinkEndpointSet = "modem.downlink-endpoint-set";
    public const string CarrierSwitchRequested = "carrier-switch.requested";
    public const string CommandCancelled = "command.cancelled";
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string UserCreated = "user.created";
    public const string BulkCarrierSwitchRequested = "bulk-carrier-switch.requested";
}
