using Microsoft.Extensions.Hosting;

namespace SimIoT.Cloud.Postgres;

/// <summary>
/// Makes today's and the next days' telemetry partitions at start, asynchronously, rather than in
/// the store's constructor. Hosted services start before the web server, so /readyz is not answered
/// until they exist; a write makes its own days' partitions in any case.
/// </summary>
public sealed class PostgresPartitionsAhead(PostgresCloudStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.EnsureAheadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
