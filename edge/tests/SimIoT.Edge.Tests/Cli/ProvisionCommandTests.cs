using System.CommandLine;
using System.Text.RegularExpressions;
using SimIoT.Edge.Cli;
using SimIoT.Edge.Sim.Tests;

namespace SimIoT.Edge.Tests.Cli;

/// <summary>
/// simiot-edge provision as a user runs it, against the real applet in its JVM card host (the
/// command's vpcd transport, the card's state kept in a file between runs): lock a card, then
/// re-point and re-key it without the modem id.
/// </summary>
public sealed class ProvisionCommandTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly string _dir = Directory.CreateTempSubdirectory("simiot-provision-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_card_is_locked_with_a_generated_key_then_re_pointed_without_its_modem_id()
    {
        var first = await ProvisionAsync("--modem-id", "4d2", "--master-key", "generate", "--cloud", "localhost:6001",
            "--carriers", "AT&T,Verizon", "--carrier", "AT&T");
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("--cloud: localhost resolves to", first.Output);
        Assert.Matches(@"the card stores (127\.0\.0\.1|\[::1\]):6001", first.Output);
        Assert.Contains("keeps the transport administrator key", first.Error);
        var key = Regex.Match(first.Output, @"master key \(shown once, store it in the cloud now\): ([0-9a-f]{32})").Groups[1].Value;
        Assert.Equal(32, key.Length);
        Assert.Contains($"./simiot cloud modem add --id 00000000000004d2 --key {key} --nickname 'modem-00000000000004d2'", first.Output);
        Assert.Contains(", locked", first.Output);

        var newAdmin = "ffeeddccbbaa99887766554433221100";
        var second = await ProvisionAsync("--cloud", "203.0.113.7:6001", "--new-admin-key", newAdmin);
        Assert.True(second.Code == 0, second.Error);
        Assert.Contains("card updated: modem 00000000000004d2", second.Output);
        Assert.Contains("cloud 203.0.113.7:6001, locked", second.Output);
        Assert.DoesNotContain("transport administrator key", second.Error);

        // The transport key no longer opens the card: the refusal is a clear error, exit code 1.
        var third = await ProvisionAsync("--cloud", "198.51.100.1:6001");
        Assert.Equal(1, third.Code);
        Assert.Contains("simiot-edge provision:", third.Error);
    }

    [Fact]
    public async Task Nothing_to_change_and_reserved_ids_are_refused_before_any_card_is_touched()
    {
        var nothing = await InvokeAsync(["provision", "--transport", "vpcd", "--vpcd-port", "1"]);
        Assert.Equal(2, nothing.Code);
        Assert.Contains("give --modem-id, --master-key and --cloud", nothing.Error);
        var reserved = await InvokeAsync(["provision", "--modem-id", "fe00000000000001", "--master-key", "generate", "--cloud", "127.0.0.1:6001"]);
        Assert.Equal(2, reserved.Code);
        Assert.Contains("reserved by the cloud", reserved.Error);
    }

    private async Task<(int Code, string Output, string Error)> ProvisionAsync(params string[] args)
    {
        int port = FreePort();
        // The card host starts first (a JVM takes seconds on a busy machine) and retries until the
        // command's vpcd side listens; the command then waits its 10 s for the card.
        using var java = AppletCardHost.StartJava(Path.Combine(_dir, "card.bin"), port);
        try
        {
            return await InvokeAsync(["provision", "--transport", "vpcd", "--vpcd-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]).WaitAsync(Wait);
        }
        finally
        {
            java.Kill(entireProcessTree: true);
            await java.WaitForExitAsync();
        }
    }

    private static async Task<(int Code, string Output, string Error)> InvokeAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = new RootCommand { ProvisionCommand.Create() };
        int code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
