using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Tests.Infrastructure;

namespace SimIoT.Cloud.Tests.Store;

/// <summary>
/// The store started before its PostgreSQL, as on a reboot: the server's port opens only after the
/// store has been refused once (a forwarder to the test cluster appears on it), and the store waits for it.
/// </summary>
public class PostgresLateStartTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_store_retries_its_first_connection_until_PostgreSQL_is_up()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        int port = FreePort();
        var late = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1", Port = port }.ToString();
        var log = new RetryLog();

        var starting = Task.Run(() => new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = late }), log));
        await log.FirstRetry.WaitAsync(Wait);
        Assert.False(starting.IsCompleted, "the store gave up or connected while nothing listened on the port");

        using var server = new CancellationTokenSource();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var forwarding = ForwardAsync(listener, db.ConnectionString, server.Token);
        try
        {
            using var store = await starting.WaitAsync(Wait);
            Assert.Empty(await store.ListModemsAsync(CancellationToken.None));
            Assert.Equal(PostgresSchema.Migrations.Count, (await db.QueryAsync("SELECT version FROM schema_version")).Count);
            Assert.Contains("retrying in", log.Warnings[0]);
        }
        finally
        {
            server.Cancel();
            listener.Stop();
            await forwarding;
        }
    }

    [Fact]
    public async Task A_database_that_does_not_exist_fails_at_once_without_retrying()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var missing = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Database = "simiot_no_such_database" }.ToString();
        var log = new RetryLog();

        var error = Assert.Throws<PostgresException>(() => new PostgresCloudStore(Options.Create(new StoreOptions { Postgres = missing }), log));
        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, error.SqlState);
        Assert.Empty(log.Warnings);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Pipes each accepted connection to the test cluster (a unix socket, or host and port).</summary>
    private static async Task ForwardAsync(TcpListener listener, string target, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(target);
        var pipes = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(ct);
                pipes.Add(PipeAsync(client, builder.Host!, builder.Port, ct));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(pipes);
    }

    private static async Task PipeAsync(TcpClient client, string host, int port, CancellationToken ct)
    {
        using (client)
        {
            using var upstream = host.StartsWith('/')
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            EndPoint endpoint = host.StartsWith('/') ? new UnixDomainSocketEndPoint(Path.Combine(host, $".s.PGSQL.{port}")) : new DnsEndPoint(host, port);
            await upstream.ConnectAsync(endpoint, ct);
            await using var near = client.GetStream();
            await using var far = new NetworkStream(upstream);
            try
            {
                await Task.WhenAny(near.CopyToAsync(far, ct), far.CopyToAsync(near, ct));
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
        }
    }

    /// <summary>Collects the store's warnings; the first one is the first retry.</summary>
    private sealed class RetryLog : ILogger<PostgresCloudStore>
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Warnings { get; } = [];

        public Task FirstRetry => _first.Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning) return;
            lock (Warnings) Warnings.Add(formatter(state, exception));
            _first.TrySetResult();
        }
    }
}
