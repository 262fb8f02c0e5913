using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SimIoT.Cloud.Postgres;

/// <summary>
/// The store's first connection, to a server that may still be starting: on a reboot or a first
/// <c>docker compose up</c> the cloud and PostgreSQL start together. Transient failures (refused,
/// unknown host, "the database system is starting up") are retried with doubling delays; anything
/// else (a wrong password, a missing database) fails at once.
/// </summary>
public static class PostgresStartup
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    public static NpgsqlConnection Open(NpgsqlDataSource source, ILogger logger, TimeSpan? patience = null)
    {
        var limit = patience ?? DefaultPatience;
        var started = Stopwatch.StartNew();
        var delay = FirstDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return source.OpenConnection();
            }
            catch (NpgsqlException ex) when (ex.IsTransient && started.Elapsed + delay < limit)
            {
                logger.LogWarning("PostgreSQL not reachable yet (attempt {Attempt}: {Reason}); retrying in {Delay}", attempt, ex.Message, delay);
                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }
}
