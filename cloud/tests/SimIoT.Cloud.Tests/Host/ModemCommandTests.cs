using System.Diagnostics;
using System.Net;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Host;

/// <summary>
/// `simiot-cloud modem add` (what `./simiot cloud modem add` runs) against a running cloud: it
/// registers with an admin token, and a refusal of the API (reserved id, another role, no token)
/// is a non-zero exit with the API's reason, not a registration.
/// </summary>
public class ModemCommandTests
{
    private const string Key = "000102030405060708090a0b0c0d0e0f";

    [Fact]
    public async Task Modem_add_registers_the_modem_through_the_api_with_a_token()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var (exit, stdout, _) = await CliAsync(null, "modem", "add", "--id", "00000000000004d2", "--key", Key, "--nickname", "pi-1", "--api", cloud.BaseAddress.ToString(), "--token", cloud.Token);

        Assert.Equal(0, exit);
        Assert.Equal("modem 00000000000004d2 registered as 'pi-1'", stdout);
        Assert.Equal("pi-1", (await cloud.GetJsonAsync("/api/modems/00000000000004d2")).GetProperty("nickname").GetString());
    }

    [Fact]
    public async Task Modem_add_takes_the_token_from_SIMIOT_TOKEN_and_reports_what_the_api_refuses()
    {
        await using var cloud = await CloudHarness.StartAsync();
        var viewer = await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Viewer, "viewer");
        string api = cloud.BaseAddress.ToString();

        var reserved = await CliAsync(cloud.Token, "modem", "add", "--id", "fe00000000000001", "--key", Key, "--api", api);
        Assert.Equal(1, reserved.Exit);
        Assert.Contains("refused (400 Bad Request): Invalid request: ids starting with fe or ff are reserved", reserved.Stderr);

        var notAdmin = await CliAsync(null, "modem", "add", "--id", "00000000000004d3", "--key", Key, "--api", api, "--token", viewer);
        Assert.Equal(1, notAdmin.Exit);
        Assert.Contains("refused (403 Forbidden)", notAdmin.Stderr);

        var noToken = await CliAsync("", "modem", "add", "--id", "00000000000004d3", "--key", Key, "--api", api);
        Assert.Equal(2, noToken.Exit);
        Assert.Contains("no API token", noToken.Stderr);

        Assert.Equal(HttpStatusCode.NotFound, (await cloud.Http.GetAsync("/api/modems/00000000000004d3")).StatusCode);
        var registered = await CliAsync(cloud.Token, "modem", "add", "--id", "00000000000004d3", "--key", Key, "--api", api);
        Assert.Equal((0, "modem 00000000000004d3 registered as '00000000000004d3'"), (registered.Exit, registered.Stdout));
    }

    /// <summary>Runs simiot-cloud to completion with SIMIOT_TOKEN set to <paramref name="token"/> (unset when null).</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> CliAsync(string? token, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "simiot-cloud.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        if (token is null) start.Environment.Remove("SIMIOT_TOKEN");
        else start.Environment["SIMIOT_TOKEN"] = token;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }
}
