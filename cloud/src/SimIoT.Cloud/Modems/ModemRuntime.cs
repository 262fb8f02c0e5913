using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Modems;

/// <summary>What the gateway learnt about a modem since its last flush: written to the store in batches.</summary>
public sealed record ModemRuntime(ModemId Id, DateTime LastSeen, string? Endpoint, string? Carrier, uint UplinkHighest, ulong UplinkBitmap);
