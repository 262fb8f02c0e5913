using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.Telemetry;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Host;

/// <summary>The simiot-cloud program itself, as ./simiot cloud runs it: options, signals, exit code.</summary>
public class CloudProcessTests
{
    [Fact]
    public async Task Sigterm_stops_the_cloud_cleanly_with_exit_0_after_storing_what_it_received()
    {
        var data = Directory.CreateTempSubdirectory("simiot-process").FullName;
        try
        {
            await using var cloud = await CloudProcess.StartAsync(data, "--legacy-v1");
            using var seedModem = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var t0 = DateTime.UtcNow;
            for (int i = 0; i < 300; i++)
                seedModem.SendTo(V1Packet.IotData(3, t0.AddMilliseconds(i), TelemetryValues.Encode(i)).ToArray(), cloud.Udp);
            await cloud.WaitForAcceptedAsync(300, resend: null);

            cloud.Stop();
            Assert.True(cloud.ExitCode == 0, $"exit code {cloud.ExitCode}:\n{cloud.Output}");
            Assert.Contains("Application is shutting down", cloud.Output, StringComparison.Ordinal);
            Assert.Equal(300L, Rows(data));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Fact]
    public async Task After_a_crash_the_frames_the_edge_sends_again_are_stored_once()
    {
        // The replay window reaches the store only every FlushInterval (here: never before the
        // crash), so the restarted gateway accepts the edge's resent frames as new. The store
        // must still hold each reading once.
        var data = Directory.CreateTempSubdirectory("simiot-crash").FullName;
        var id = new ModemId(0x00c0ffee);
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var t0 = new DateTime(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
        byte[][] frames;
        using (var keys = new ModemKeys(key, id))
            frames = [.. Enumerable.Range(1, 50).Select(i => SecureFrame.Seal(keys, FrameKind.UplinkData, (uint)i, V1Packet.IotData(3, t0.AddSeconds(i), TelemetryValues.Encode(2000 + i)).ToArray()))];
        try
        {
            var token = await CloudProcess.CliAsync("token", "create", "--org", "default", "--role", "admin", "--data", data);
            await using (var first = await CloudProcess.StartAsync(data, "--Gateway:FlushInterval=01:00:00"))
            {
                first.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
                var registered = await first.Http.PostAsync("/api/modems", new StringContent(
                    $$"""{"id":"{{id}}","nickname":"crashing","masterKey":"{{Convert.ToHexString(key)}}"}""", System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
                await first.SendAllAsync(frames, expectedAccepted: frames.Length);
                await WaitForRowsAsync(data, frames.Length);
                first.Crash();
            }
            await using (var second = await CloudProcess.StartAsync(data))
            {
                await second.SendAllAsync(frames, expectedAccepted: frames.Length); // all new to the window it lost
                second.Stop(); // SIGTERM writes what the sink still holds
            }
            Assert.Equal(frames.Length, Rows(data));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Fact]
    public async Task A_fresh_cloud_refuses_anonymous_calls_and_says_once_how_to_create_the_first_admin()
    {
        var data = Directory.CreateTempSubdirectory("simiot-first-run").FullName;
        try
        {
            await using var cloud = await CloudProcess.StartAsync(data);
            Assert.Equal(HttpStatusCode.Unauthorized, (await cloud.Http.GetAsync("/api/modems")).StatusCode);
            static int Notices(string output) => output.Split('\n').Count(line => line.Contains("./simiot cloud token create --org NAME --role admin", StringComparison.Ordinal));
            await Eventually.TrueAsync(() => Notices(cloud.Output) > 0, "the first-run notice is printed");
            // Printed at start only: a call after it does not print it again.
            Assert.Equal(HttpStatusCode.Unauthorized, (await cloud.Http.GetAsync("/api/modems")).StatusCode);
            Assert.Equal(1, Notices(cloud.Output));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Fact]
    public async Task Tokens_made_on_the_command_line_open_their_organization_with_their_role_until_revoked()
    {
        var data = Directory.CreateTempSubdirectory("simiot-cli").FullName;
        try
        {
            var viewer = await CloudProcess.CliAsync("token", "create", "--org", "acme", "--role", "viewer", "--name", "dashboard", "--expires", "30d", "--data", data);
            Assert.Matches("^simiot_[A-Za-z0-9_-]{43}$", viewer);
            Assert.Contains("acme", (await CloudProcess.CliAsync("org", "list", "--data", data)).Split('\n'));
            var list = await CloudProcess.CliAsync("token", "list", "--data", data);
            Assert.Contains("acme\tdashboard\tviewer", list, StringComparison.Ordinal);
            Assert.DoesNotContain(viewer, list, StringComparison.Ordinal);
            var password = await CloudProcess.CliAsync("user", "add", "--org", "acme", "--role", "admin", "--name", "alice", "--data", data);
            Assert.True(password.Length >= 12, password);

            await using var cloud = await CloudProcess.StartAsync(data);
            cloud.Http.DefaultRequestHeaders.Authorization = new("Bearer", viewer);
            Assert.Equal(HttpStatusCode.OK, (await cloud.Http.GetAsync("/api/modems")).StatusCode);
            var register = await cloud.Http.PostAsync("/api/modems", new StringContent("""{"id":"00000000000000aa","masterKey":"000102030405060708090a0b0c0d0e0f"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
            Assert.Equal(string.Empty, await CloudProcess.CliAsync("token", "revoke", "--org", "acme", "--name", "dashboard", "--data", data));
            // Another process revoked it: the cloud sees that within its token cache lifetime (Auth:TokenCacheLifetime, 10 s).
            await Eventually.ValueAsync(async () => (await cloud.Http.GetAsync("/api/modems")).StatusCode, s => s == HttpStatusCode.Unauthorized, "the revoked token refused", TimeSpan.FromSeconds(40));
            Assert.Contains("acme\tdashboard\tviewer", await CloudProcess.CliAsync("token", "list", "--org", "acme", "--data", data), StringComparison.Ordinal);

            // What the command line changed is in the organization's audit, done by "cli".
            cloud.Http.DefaultRequestHeaders.Authorization = new("Bearer", await CloudProcess.CliAsync("token", "create", "--org", "acme", "--role", "admin", "--name", "auditor", "--data", data));
            var audit = System.Text.Json.JsonDocument.Parse(await cloud.Http.GetStringAsync("/api/audit")).RootElement.EnumerateArray()
                .Select(a => (a.GetProperty("actor").GetString(), a.GetProperty("action").GetString(), a.GetProperty("target").GetString())).ToList();
            Assert.Equal([("cli", "token.created", "auditor"), ("cli", "token.revoked", "dashboard"), ("cli", "user.created", "alice"), ("cli", "token.created", "dashboard")], audit);
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    private static long Rows(string data)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "simiot.db")};Pooling=False");
        db.Open();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM telemetry";
        return (long)count.ExecuteScalar()!;
    }

    private static async Task WaitForRowsAsync(string data, long rows)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Rows(data) < rows)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{rows} rows were not stored within 30 s");
            await Task.Delay(100);
        }
    }
}
