using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

public static class ModemsApi
{
    public static IEndpointRouteBuilder MapModemsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/modems").WithTags("Modems");
        group.MapFleetApi();
        group.MapGet("/{id}", GetAsync).WithName("GetModem").WithSummary("One modem.");
        group.MapPost("/", RegisterAsync).WithName("RegisterModem").WithSummary("Registers a v2 modem with its id, nickname and master key (admin).")
            .RequireAuthorization(Roles.Admin).RequireRateLimiting(IdentityServices.RegistrationLimitPolicy);
        group.MapPut("/{id}/key", RekeyAsync).WithName("RekeyModem").WithSummary("Replaces a modem's master key (admin; audited); the SIM must get the same key.")
            .RequireAuthorization(Roles.Admin);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteModem").WithSummary("Deletes a modem; its history stays (admin).")
            .RequireAuthorization(Roles.Admin);
        return app;
    }

    private static async Task<Results<Ok<ModemDto>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, IModemStore store, TimeProvider time, IOptions<GatewayOptions> gateway, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        var (modem, _) = await store.FindModemAsync(modemId, ct);
        return modem is null || modem.Organization != user.OrganizationOf() ? Problems.UnknownModem(id) : TypedResults.Ok(modem.ToDto(time.GetUtcNow().UtcDateTime, gateway.Value.LinkFreshness));
    }

    private static async Task<Results<Created<ModemDto>, ProblemHttpResult>> RegisterAsync(
        RegisterModemRequest request, HttpContext context, AuditLog audit, IModemStore store, IEventBus bus, TimeProvider time, IOptions<GatewayOptions> gateway, CancellationToken ct)
    {
        if (!ApiMapping.TryParseModemId(request.Id, out var id)) return Problems.BadModemId(request.Id);
        if (LegacyModemId.IsLegacy(id)) return Problems.Validation("id", "ids starting with fe or ff are reserved for legacy v1 modems");
        if (request.Nickname is { } nick && (nick.Length > MaxNickname || nick.Any(char.IsControl)))
            return Problems.Validation("nickname", $"the nickname must be at most {MaxNickname} characters, none of them control characters");
        // No key given: the cloud makes one and shows it once, with the line that puts it on the SIM.
        bool generated = request.MasterKey is null;
        if ((generated ? GeneratedKey.New() : ParseKey(request.MasterKey)) is not { } key) return Problems.Validation("masterKey", KeyRule);
        var now = time.GetUtcNow().UtcDateTime;
        var record = new ModemRecord(id, string.IsNullOrWhiteSpace(request.Nickname) ? id.ToString() : request.Nickname.Trim(), ModemProtocol.V2, key, now, Organization: context.User.OrganizationOf());
        if (!await store.AddModemAsync(record, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Modem already registered", detail: $"modem {id} is already registered; delete it first to register it again");
        await audit.RecordAsync(context, AuditActions.ModemRegistered, id.ToString(), $"nickname {record.Nickname}");
        bus.Publish(CloudTopics.ModemChanges, id.ToString(), CloudJson.Serialize(new ModemChange(id.ToString(), ModemChange.Registered)));
        var dto = record.ToDto(now, gateway.Value.LinkFreshness);
        if (generated) dto = GeneratedKey.ShowOnce(dto, key, context.Request.Host.Host, GatewayPort(context, gateway.Value));
        return TypedResults.Created($"/api/modems/{id}", dto);
    }

    public const int MaxNickname = 64;

    // The port modems reach: the bound one where this process runs the gateway (port 0 in the
    // configuration means "any"), the configured one on an API-only process.
    private static int GatewayPort(HttpContext context, GatewayOptions options) =>
        context.RequestServices.GetService<GatewaySocket>()?.Bound is { IsCompletedSuccessfully: true } bound ? bound.Result.Port : options.UdpPort;

    private const string KeyRule = "the master key must be 32 hex digits (16 bytes), not one byte repeated (such as all zero)";

    /// <summary>The key, or null when malformed or weak (one byte repeated: a placeholder, never a real key).</summary>
    private static byte[]? ParseKey(string? hex)
    {
        if (hex is null || hex.Length != 2 * ModemKeys.KeyLength || !hex.All(char.IsAsciiHexDigit)) return null;
        var key = Convert.FromHexString(hex);
        return key.All(b => b == key[0]) ? null : key;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RekeyAsync(
        string id, RekeyModemRequest request, HttpContext context, AuditLog audit, IModemStore store, IEventBus bus, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        if (ParseKey(request.MasterKey) is not { } key) return Problems.Validation("masterKey", KeyRule);
        if (!await store.VisibleAsync(modemId, context.User, ct) || !await store.SetModemKeyAsync(modemId, key, ct)) return Problems.UnknownModem(id);
        await audit.RecordAsync(context, AuditActions.ModemRekeyed, modemId.ToString());
        bus.Publish(CloudTopics.ModemChanges, modemId.ToString(), CloudJson.Serialize(new ModemChange(modemId.ToString(), ModemChange.Rekeyed)));
        return TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, AuditLog audit, IModemStore store, IEventBus bus, TimeProvider time, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        if (!await store.VisibleAsync(modemId, context.User, ct) || !await store.DeleteModemAsync(modemId, time.GetUtcNow().UtcDateTime, ct)) return Problems.UnknownModem(id);
        await audit.RecordAsync(context, AuditActions.ModemDeleted, modemId.ToString());
        bus.Publish(CloudTopics.ModemChanges, modemId.ToString(), CloudJson.Serialize(new ModemChange(modemId.ToString(), ModemChange.Deleted)));
        return TypedResults.NoContent();
    }
}
