using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Identity;

namespace SimIoT.Cloud.Audit;

/// <summary>Records a state change in the store and publishes it on the bus's audit topic (a Kafka topic on that profile).</summary>
public sealed class AuditLog(IAuditStore store, IEventBus bus, TimeProvider time)
{
    /// <summary>Who did it: user:NAME for a login, token:NAME for an API token, oidc:SUBJECT for single sign-on (a provider's token or a browser sign-in).</summary>
    public static string ActorOf(ClaimsPrincipal user) =>
        $"{user.Identity?.AuthenticationType switch { TokenAuthenticationHandler.SchemeName => "token", OidcBearer.SchemeName or OidcSignIn.SchemeName => "oidc", _ => "user" }}:{user.Identity?.Name}";

    /// <summary>Records what the caller did; <paramref name="cancellationToken"/> is the request's abort unless given (a bulk is audited even if its caller goes away).</summary>
    public Task RecordAsync(HttpContext context, string action, string target, string? detail = null, CancellationToken? cancellationToken = null) =>
        RecordAsync(context.User.OrganizationOf(), ActorOf(context.User), action, target, detail, context.Connection.RemoteIpAddress?.ToString(),
            cancellationToken ?? context.RequestAborted);

    public async Task RecordAsync(string organization, string actor, string action, string target, string? detail, string? address, CancellationToken cancellationToken)
    {
        var record = new AuditRecord(0, organization, time.GetUtcNow().UtcDateTime, actor, action, target, detail, address);
        long id = await store.AppendAuditAsync(record, cancellationToken).ConfigureAwait(false);
        bus.Publish(CloudTopics.Audit, organization, CloudJson.Serialize(record with { Id = id }));
    }
}
