using System.Security.Cryptography;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

/// <summary>A master key the cloud makes for a registration that brings none; returned once, never again.</summary>
internal static class GeneratedKey
{
    public static byte[] New()
    {
        var key = RandomNumberGenerator.GetBytes(ModemKeys.KeyLength);
        // One byte repeated is refused as a placeholder key; a random key is that once in 2^120.
        return key.All(b => b == key[0]) ? New() : key;
    }

    public static ModemDto ShowOnce(ModemDto modem, byte[] key, string host, int udpPort)
    {
        var hex = Convert.ToHexStringLower(key);
        return modem with
        {
            MasterKey = hex,
            ProvisionCommand = $"simiot-edge provision --modem-id {modem.Id} --master-key {hex} --cloud {host}:{udpPort}",
        };
    }
}
