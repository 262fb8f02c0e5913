namespace SimIoT.Edge.Sim;

/// <summary>PUT DATA objects (P2) of the applet's personalisation.</summary>
public enum PersonalisationObject : byte
{
    ModemId = 0x01,
    MasterKey = 0x02,
    Endpoint = 0x03,
    Subscriptions = 0x04,
    CurrentCarrier = 0x05,
    LegacyMode = 0x06,
    AdminKey = 0x07,
    FallbackSeconds = 0x08,
    Lock = 0xFF,
}
