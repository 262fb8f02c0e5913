namespace SimIoT.Cloud.Modems;

public enum ModemProtocol
{
    /// <summary>Seed packets, no identity or authentication: the modem is its source endpoint.</summary>
    V1,
    /// <summary>Secure frames sealed by the SIM with keys derived from its master key.</summary>
    V2,
}
