using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Cli;

/// <summary>What <c>provision</c> makes of its arguments before it touches a card.</summary>
internal static class ProvisionArguments
{
    /// <summary>The value of --master-key that makes a fresh random key.</summary>
    public const string Generate = "generate";

    /// <summary>A modem id the cloud accepts: it keeps ids fe… and ff… for v1 seed modems (named by their address).</summary>
    public static ModemId ParseModemId(string text)
    {
        var id = ModemId.Parse(text.Trim());
        return (id.Value >> 56) is 0xfe or 0xff
            ? throw new FormatException($"--modem-id {id} starts with {id.ToString()[..2]}: ids fe… and ff… are reserved by the cloud for v1 seed modems, which it would refuse to register")
            : id;
    }

    /// <summary>A 16-byte key from 32 hex digits, or (for <see cref="Generate"/>) a fresh random one.</summary>
    public static (byte[] Key, bool Generated) ParseMasterKey(string text) =>
        string.Equals(text.Trim(), Generate, StringComparison.OrdinalIgnoreCase)
            ? (RandomNumberGenerator.GetBytes(16), true)
            : (ParseKey(text, "--master-key"), false);

    public static byte[] ParseKey(string hex, string option)
    {
        try
        {
            var key = Convert.FromHexString(hex.Trim());
            return key.Length == 16 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new FormatException($"{option} must be 32 hex digits (16 bytes)");
        }
    }

    /// <summary>
    /// The cloud endpoint the card stores: an IP address with a port as given, or a DNS name resolved
    /// here (IPv4 first), since the card holds an address. The second value names the name it came from.
    /// </summary>
    public static async Task<(IPEndPoint Endpoint, string? ResolvedFrom)> ParseCloudAsync(string text, CancellationToken ct)
    {
        text = text.Trim();
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0 && text.Contains(':')) return (endpoint, null);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(text[(colon + 1)..], out ushort port) || port == 0)
            throw new FormatException($"--cloud '{text}' needs a host and a port, e.g. cloud.example.org:6001, 203.0.113.7:6001 or [2001:db8::7]:6001");
        string host = text[..colon];
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new FormatException($"--cloud '{text}': cannot resolve '{host}' ({e.Message})");
        }
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new FormatException($"--cloud '{text}': '{host}' has no address");
        return (new IPEndPoint(address, port), host);
    }

    /// <summary>The command that registers the modem with the cloud's API (with an admin token in $SIMIOT_TOKEN).</summary>
    public static string RegistrationCommand(ModemId id, byte[] masterKey, string nickname) =>
        $"./simiot cloud modem add --id {id} --key {Convert.ToHexStringLower(masterKey)} --nickname '{nickname}'";
}
