using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Tests.Infrastructure;
using SimIoT.LoadGen;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>Master keys are wrapped at rest and never leave the cloud: not in the store's files, not in any output.</summary>
public class KeysAtRestTests
{
    [Fact]
    public async Task A_known_key_is_found_in_no_store_file_response_log_or_event_after_register_rekey_and_delete()
    {
        var logs = new LogCapture();
        var data = Directory.CreateTempSubdirectory("simiot-keys").FullName;
        var cloud = await CloudHarness.StartAsync(new() { ["Logging:LogLevel:Default"] = "Trace" }, dataDir: data, configure: b => b.Logging.AddProvider(logs));
        var outputs = new StringBuilder();
        var id = new ModemId(0xf00d);
        byte[] first = Convert.FromHexString("0f1e2d3c4b5a69788796a5b4c3d2e1f0"), second = Convert.FromHexString("a1b2c3d4e5f60718293a4b5c6d7e8f90");
        try
        {
            await using var sse = await SseClient.ConnectAsync(cloud.Http);
            var register = await cloud.Http.PostAsJsonAsync("/api/modems", new { id = id.ToString(), nickname = "keyed", masterKey = Convert.ToHexString(first) });
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            outputs.Append(await register.Content.ReadAsStringAsync());

            // The gateway opens the wrapped key: the SIM's frames are accepted, under the first key, then under the second.
            using (var sim = new SimulatedModem(id, first, cloud.Udp))
            {
                await Eventually.TrueAsync(() => { sim.SendReading(3, DateTime.UtcNow, 2000); return sim.AcksReceived > 0; }, "a frame under the first key is acked");
            }
            using var op = cloud.Client(await cloud.CreateTokenAsync(OrganizationNames.Default, Roles.Operator, "op"));
            Assert.Equal(HttpStatusCode.Forbidden, (await op.PutAsJsonAsync($"/api/modems/{id}/key", new { masterKey = Convert.ToHexString(second) })).StatusCode);
            foreach (var weak in new[] { new string('0', 32), new string('1', 32), "ab" })
            {
                Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.PutAsJsonAsync($"/api/modems/{id}/key", new { masterKey = weak })).StatusCode);
                Assert.Equal(HttpStatusCode.BadRequest, (await cloud.Http.PostAsJsonAsync("/api/modems", new { id = "000000000000beef", masterKey = weak })).StatusCode);
            }
            Assert.Equal(HttpStatusCode.NoContent, (await cloud.Http.PutAsJsonAsync($"/api/modems/{id}/key", new { masterKey = Convert.ToHexString(second) })).StatusCode);
            using (var sim = new SimulatedModem(id, second, cloud.Udp))
            {
                await Eventually.TrueAsync(() => { sim.SendReading(3, DateTime.UtcNow, 2001); return sim.AcksReceived > 0; }, "a frame under the new key is acked");
            }
            foreach (var path in new[] { "/api/modems", $"/api/modems/{id}", $"/api/modems/{id}/telemetry/temp", "/api/audit", "/metrics", "/openapi/v1.json" })
                outputs.Append(await cloud.Http.GetStringAsync(path));
            Assert.Contains("modem.rekeyed", outputs.ToString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NoContent, (await cloud.Http.DeleteAsync($"/api/modems/{id}")).StatusCode);
            await sse.NextAsync("modem", d => d.GetProperty("change").GetString() == "deleted");
            while (sse.Events.Reader.TryRead(out var e)) outputs.Append(e.Event).Append(e.Data.GetRawText());
        }
        finally
        {
            await cloud.DisposeAsync();
        }

        try
        {
            // The store's files as the process left them: the database, and its WAL and shared memory if any.
            var files = new[] { "simiot.db", "simiot.db-wal", "simiot.db-shm" }.Select(f => Path.Combine(data, f)).Where(File.Exists).ToList();
            Assert.Contains(files, f => f.EndsWith("simiot.db", StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(files[0]));
            foreach (var key in new[] { first, second })
            {
                foreach (var file in files) Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(key) < 0, $"{Convert.ToHexString(key)} found in {file}");
                foreach (var text in new[] { Convert.ToHexString(key), Convert.ToHexStringLower(key), Convert.ToBase64String(key) })
                {
                    Assert.DoesNotContain(text, outputs.ToString(), StringComparison.Ordinal);
                    Assert.DoesNotContain(logs.Lines, line => line.Contains(text, StringComparison.Ordinal));
                }
            }
            // The search can fail: the outputs and logs were captured (the modem's id is in both).
            Assert.Contains(id.ToString(), outputs.ToString(), StringComparison.Ordinal);
            Assert.Contains(logs.Lines, line => line.Contains("Now listening", StringComparison.Ordinal) || line.Contains("Request finished", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    private sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}
