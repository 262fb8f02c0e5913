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
        var modemId = new Option<string?>("--modem-id") { Description = "The modem's 64-bit id, up to 16 hex digits (not fe… or ff…). Without it: change a personalised, locked card (--cloud, --master-key, --new-admin-key)" };
        var masterKey = new Option<string>("--master-key") { Description = "The modem's 128-bit master key, 32 hex digits (register the same key in the cloud), or 'generate' for a random one printed once" };
        var cloud = new Option<string>("--cloud") { Description = "The cloud gateway's UDP endpoint, e.g. cloud.example.org:6001 (resolved now: the card stores an address), 203.0.113.7:6001 or [2001:db8::7]:6001" };
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
            "Without --modem-id: re-point or re-key a card already personalised (and locked): only --cloud, --master-key, --new-admin-key are written.\n" +
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
                var idText = parse.GetValue(modemId);
                var id = idText is null ? (ModemId?)null : ProvisionArguments.ParseModemId(idText);
                var (key, generated) = parse.GetValue(masterKey) is { } mk ? ProvisionArguments.ParseMasterKey(mk) : (null, false);
                IPEndPoint? endpoint = null;
                if (parse.GetValue(cloud) is { } cloudText)
                {
                    (endpoint, var resolvedFrom) = await ProvisionArguments.ParseCloudAsync(cloudText, ct).ConfigureAwait(false);
                    if (resolvedFrom is not null)
                        output.WriteLine($"--cloud: {resolvedFrom} resolves to {endpoint.Address}; the card stores {endpoint} (provision again if that address changes)");
                }
                var newAdmin = parse.GetValue(newAdminKey) is { } k ? ProvisionArguments.ParseKey(k, "--new-admin-key") : null;
                var admin = parse.GetValue(adminKey) is { } a ? ProvisionArguments.ParseKey(a, "--admin-key") : CardProvisioner.TransportKey;
                var update = new CardUpdate(endpoint, key, newAdmin);
                Provisioning? provisioning = null;
                if (id is { } modem)
                {
                    provisioning = new Provisioning(
                        modem,
                        key ?? throw new FormatException("--master-key is required with --modem-id (32 hex digits, or 'generate')"),
                        endpoint ?? throw new FormatException("--cloud is required with --modem-id (host:port)"),
                        parse.GetValue(carriers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseCarrier).ToList(),
                        ParseCarrier(parse.GetValue(carrier)!),
                        parse.GetValue(legacy),
                        parse.GetValue(fallback),
                        newAdmin,
                        !parse.GetValue(noLock));
                }
                else if (update.IsEmpty)
                {
                    throw new FormatException("give --modem-id, --master-key and --cloud to personalise a card, or any of --cloud, --master-key, --new-admin-key to change a personalised one");
                }
                if (newAdmin is null && admin.AsSpan().SequenceEqual(CardProvisioner.TransportKey))
                    error.WriteLine("simiot-edge provision: warning: the card keeps the transport administrator key, which anyone can look up; " +
                        "give --new-admin-key before the card leaves the lab");

                var options = new CardOptions { Transport = parse.GetValue(transport)!, Reader = parse.GetValue(reader)!, VpcdPort = parse.GetValue(vpcdPort) };
                output.WriteLine($"waiting for the card ({options.Transport})...");
                using var channel = CardTransports.OpenChannel(options, NullLoggerFactory.Instance);
                await using var terminal = new ToolkitTerminal(channel, new SimulatedModemControl(NullLogger<SimulatedModemControl>.Instance, TimeProvider.System), new ToolkitTerminalOptions(), TimeProvider.System, NullLogger<ToolkitTerminal>.Instance);
                var sim = new SimCard(terminal);
                var progress = new Progress<string>(line => output.WriteLine("  " + line));
                if (provisioning is not null) await CardProvisioner.ProvisionAsync(sim, admin, provisioning, progress, ct).ConfigureAwait(false);
                else await CardUpdater.UpdateAsync(sim, admin, update, progress, ct).ConfigureAwait(false);
                var status = await sim.GetStatusAsync(ct).ConfigureAwait(false);
                output.WriteLine($"card {(provisioning is null ? "updated" : "personalised")}: modem {status.ModemId}, {status.CarrierName}, cloud {status.Endpoint}, {(status.IsLocked ? "locked" : "not locked")}");
                if (generated && key is not null)
                {
                    // Printed once and kept nowhere on this machine: the card and the cloud are its only holders.
                    output.WriteLine($"master key (shown once, store it in the cloud now): {Convert.ToHexStringLower(key)}");
                    output.WriteLine("register the modem, on the cloud server:");
                    output.WriteLine("  " + ProvisionArguments.RegistrationCommand(status.ModemId, key, $"modem-{status.ModemId}"));
                }
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

    private static Carrier ParseCarrier(string name) =>
        CarrierNames.TryParse(name, out var c) ? c : throw new FormatException($"unknown carrier '{name}' (valid: {CarrierNames.Valid})");
}
