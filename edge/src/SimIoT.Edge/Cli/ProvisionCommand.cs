using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SimIoT.Edge.Card;
using SimIoT.Edge.Hosting;
using SimIoT.Edge.Sim;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Edge.Modem;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Edge.Cli;

/// <summary><c>simiot-edge provision</c>: personalise a SimIoT card and lock it.</summary>
internal static class ProvisionCommand
{
    public static Command Create()
    {
        var modemId = new Option<string>("--modem-id") { Description = "The modem's 64-bit id, up to 16 hex digits", Required = true };
        var masterKey = new Option<string>("--master-key") { Description = "The modem's 128-bit master key, 32 hex digits (register the same key in the cloud)", Required = true };
        var cloud = new Option<string>("--cloud") { Description = "The cloud gateway's UDP endpoint, e.g. 203.0.113.7:6001 or [2001:db8::7]:6001", Required = true };
        var carriers = new Option<string>("--carriers") { Description = "Carriers the card holds subscriptions for", DefaultValueFactory = _ => "AT&T,T-Mobile,Verizon" };
        var carrier = new Option<string>("--carrier") { Description = "The carrier to start on", DefaultValueFactory = _ => "AT&T" };
        var adminKey = new Option<string?>("--admin-key") { Description = "The card's administrator key (default: the transport key of a blank card)" };
        var newAdminKey = new Option<string?>("--new-admin-key") { Description = "Replace the administrator key (do this before a card leaves the lab)" };
        var legacy = new Option<bool>("--legacy") { Description = "Make the card send seed-format v1 packets (no identity, no authentication)" };
        var fallback = new Option<ushort?>("--fallback-seconds") { Description = "Switch back to the previous carrier when the cloud stays silent this long after a switch (card default 300)" };
        var noLock = new Option<bool>("--no-lock") { Description = "Leave the card unlocked (it then starts no toolkit session)" };
        var transport = new Option<string>("--transport") { Description = "pcsc (a reader) or vpcd (wait for a virtual card host)", DefaultValueFactory = _ => "pcsc" };
        var reader = new Option<string>("--reader") { Description = "PC/SC reader name substring", DefaultValueFactory = _ => "" };
        var vpcdPort = new Option<int>("--vpcd-port") { Description = "TCP port to wait for a virtual card on", DefaultValueFactory = _ => 35963 };

        var command = new Command("provision", "Personalise a SimIoT card: modem id, master key, cloud endpoint, carriers; then lock it.\n" +
            "Refuses (SW 63Cx, 6983) without the right administrator key.")
        {
            modemId, masterKey, cloud, carriers, carrier, adminKey, newAdminKey, legacy, fallback, noLock, transport, reader, vpcdPort,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var provisioning = new Provisioning(
                    ModemId.Parse(parse.GetValue(modemId)!),
                    Key(parse.GetValue(masterKey)!, "--master-key"),
                    ParseEndpoint(parse.GetValue(cloud)!),
                    parse.GetValue(carriers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseCarrier).ToList(),
                    ParseCarrier(parse.GetValue(carrier)!),
                    parse.GetValue(legacy),
                    parse.GetValue(fallback),
                    parse.GetValue(newAdminKey) is { } k ? Key(k, "--new-admin-key") : null,
                    !parse.GetValue(noLock));
                var admin = parse.GetValue(adminKey) is { } a ? Key(a, "--admin-key") : CardProvisioner.TransportKey;

                var options = new CardOptions { Transport = parse.GetValue(transport)!, Reader = parse.GetValue(reader)!, VpcdPort = parse.GetValue(vpcdPort) };
                output.WriteLine($"waiting for the card ({options.Transport})...");
                using var channel = CardTransports.OpenChannel(options, NullLoggerFactory.Instance);
                await using var terminal = new ToolkitTerminal(channel, new SimulatedModemControl(NullLogger<SimulatedModemControl>.Instance, TimeProvider.System), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
                var sim = new SimCard(terminal);
                await CardProvisioner.ProvisionAsync(sim, admin, provisioning, new Progress<string>(line => output.WriteLine("  " + line)), ct).ConfigureAwait(false);
                var status = await sim.GetStatusAsync(ct).ConfigureAwait(false);
                output.WriteLine($"card personalised: modem {status.ModemId}, {status.CarrierName}, cloud {status.Endpoint}, {(status.IsLocked ? "locked" : "not locked")}");
                return 0;
            }
            catch (Exception e) when (e is SimCardException or CardRemovedException or FormatException or ArgumentException or InvalidOperationException or IOException)
            {
                error.WriteLine($"simiot-edge provision: {e.Message}");
                return e is SimCardException or CardRemovedException or IOException ? 1 : 2;
            }
        });
        return command;
    }

    private static byte[] Key(string hex, string option)
    {
        try
        {
            var key = Convert.FromHexString(hex.Trim());
            return key.Length == 16 ? key : throw new FormatException($"{option} must be 32 hex digits (16 bytes)");
        }
        catch (FormatException)
        {
            throw new FormatException($"{option} must be 32 hex digits (16 bytes)");
        }
    }

    private static IPEndPoint ParseEndpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0 ? endpoint
            : throw new FormatException($"--cloud '{text}' is not an IP address with a port (DNS names are resolved by the modem, not the card)");

    private static Carrier ParseCarrier(string name) =>
        CarrierNames.TryParse(name, out var c) ? c : throw new FormatException($"unknown carrier '{name}' (valid: {CarrierNames.Valid})");
}
