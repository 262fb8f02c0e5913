namespace SimIoT.Cloud.Api;

public sealed record CarrierSwitchRequest(string? Carrier);
