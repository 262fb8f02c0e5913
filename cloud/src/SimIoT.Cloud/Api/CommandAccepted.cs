namespace SimIoT.Cloud.Api;

public sealed record CommandAccepted(uint Id, string State);
