using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SimIoT.Cloud.Identity;

/// <summary>
/// On a fresh installation (no user, no live token) the API refuses everyone; this says once, at
/// start, how to create the first administrator. Nothing is created behind the operator's back.
/// </summary>
public sealed partial class FirstRunNotice(IIdentityStore store, TimeProvider time, ILogger<FirstRunNotice> logger) : IHostedService
{
    public const string Command = "./simiot cloud token create --org NAME --role admin (--data DIR | --postgres CONNSTR)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.CountCredentialsAsync(time.GetUtcNow().UtcDateTime, cancellationToken) == 0) NoCredentials(Command);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "No user or API token exists yet, so the API answers every request with 401. Create the first administrator's token with: {Command} (and a web UI login with './simiot cloud user add'); see docs/security.md.")]
    private partial void NoCredentials(string command);
}
