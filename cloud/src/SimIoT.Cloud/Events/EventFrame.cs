namespace SimIoT.Cloud.Events;

/// <summary>A ready-to-write SSE frame and the modem it is about (so a client sees only its organization's).</summary>
/// <param name="RegistryChange">A modem-changes event: the modem's organization may just have changed.</param>
public readonly record struct EventFrame(string ModemId, bool RegistryChange, byte[] Bytes);
