using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Modems;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

/// <summary>The fleet as pages (keyset cursor, RFC 8288 Link), its counts, and renaming, tagging and legacy downlink endpoints.</summary>
public static class FleetApi
{
    public static RouteGroupBuilder MapFleetApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", ListAsync).WithName("ListModems")
            .WithSummary("One page of the organization's modems, filtered and sorted; the next page's address is in the Link header (rel=\"next\"), absent on the last page.");
        group.MapGet("/count", CountAsync).WithName("CountModems").WithSummary("How many of the organization's modems match the filters.");
        group.MapPatch("/{id}", PatchAsync).WithName("PatchModem")
            .WithSummary("Renames and tags a modem (operator); sets a legacy v1 modem's downlink endpoint (admin). Audited.")
            .RequireAuthorization(Roles.Operator);
        return group;
    }

    private static async Task<Results<Ok<ModemDto[]>, ProblemHttpResult>> ListAsync(
        HttpContext context, IFleetStore store, TimeProvider time, IOptions<GatewayOptions> gateway, CancellationToken ct,
        string? q = null, string? carrier = null, string? link = null, string? protocol = null, string? tag = null,
        string? sort = null, string? limit = null, string? cursor = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var freshness = gateway.Value.LinkFreshness;
        if (new FleetQuery(q, carrier, link, protocol, tag).TryFilter(context.User.OrganizationOf(), now - freshness, out var filter) is { } bad) return bad;
        if (new FleetPageQuery(limit, cursor, sort).TryPage(out var order, out var after, out int size) is { } badPage) return badPage;
        // One row more than the page tells whether a next page exists without a count.
        var rows = await store.QueryModemsAsync(filter, order, after, size + 1, ct);
        var page = rows.Take(size).ToArray();
        if (rows.Count > size) context.Response.Headers.Link = NextLink(context.Request, ModemCursor.After(page[^1], order));
        return TypedResults.Ok(page.Select(m => m.ToDto(now, freshness)).ToArray());
    }

    /// <summary>The same request with the next cursor: <c>&lt;/api/modems?...&amp;cursor=X&gt;; rel="next"</c>.</summary>
    private static string NextLink(HttpRequest request, ModemCursor next)
    {
        var query = request.Query.Where(p => p.Key != "cursor").SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
            .Append(KeyValuePair.Create("cursor", (string?)next.Encode()));
        return $"<{request.PathBase}{request.Path}{QueryString.Create(query)}>; rel=\"next\"";
    }

    private static async Task<Results<Ok<ModemCount>, ProblemHttpResult>> CountAsync(
        HttpContext context, IFleetStore store, TimeProvider time, IOptions<GatewayOptions> gateway, CancellationToken ct,
        string? q = null, string? carrier = null, string? link = null, string? protocol = null, string? tag = null)
    {
        var freshAfter = time.GetUtcNow().UtcDateTime - gateway.Value.LinkFreshness;
        if (new FleetQuery(q, carrier, link, protocol, tag).TryFilter(context.User.OrganizationOf(), freshAfter, out var filter) is { } bad) return bad;
        return TypedResults.Ok(new ModemCount(await store.CountModemsAsync(filter, ct)));
    }

    private static async Task<Results<Ok<ModemDto>, ProblemHttpResult>> PatchAsync(
        string id, ModemPatchRequest request, HttpContext context, IAuthorizationService authorization, AuditLog audit,
        IModemStore modems, IFleetStore fleet, IEventBus bus, TimeProvider time, IOptions<GatewayOptions> gateway, CancellationToken ct)
    {
        if (!ModemId.TryParse(id, out var modemId)) return Problems.BadModemId(id);
        string? nickname = request.Nickname?.Trim();
        if (nickname is not null && (nickname.Length is 0 or > ModemsApi.MaxNickname || nickname.Any(char.IsControl)))
            return Problems.Validation("nickname", $"the nickname must be 1 to {ModemsApi.MaxNickname} characters, none of them control characters");
        if (request.Tags is { } tags)
        {
            if (tags.Length > ModemTagRule.MaxTags) return Problems.Validation("tags", $"at most {ModemTagRule.MaxTags} tags");
            int bad = Array.FindIndex(tags, t => t is null || !ModemTagRule.IsValid(t));
            if (bad >= 0) return Problems.Validation("tags", $"'{tags[bad]}': {ModemTagRule.Text}");
        }
        string? downlink = null;
        if (request.DownlinkEndpoint is { } text)
        {
            if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0 || !text.Contains(':'))
                return Problems.Validation("downlinkEndpoint", $"'{text}' is not an endpoint; give an IP address and a port 1-65535, such as 127.0.0.1:6002");
            downlink = endpoint.ToString();
        }
        if (request.DownlinkEndpointGiven && !(await authorization.AuthorizeAsync(context.User, Roles.Admin)).Succeeded)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "only an admin sets a downlink endpoint");
        if (!await modems.VisibleAsync(modemId, context.User, ct)) return Problems.UnknownModem(id);
        var (current, _) = await modems.FindModemAsync(modemId, ct);
        if (current is null) return Problems.UnknownModem(id);
        if (request.DownlinkEndpointGiven && current.Protocol != ModemProtocol.V1)
            return Problems.Validation("downlinkEndpoint", "only a legacy v1 modem has a downlink endpoint; a v2 modem is reached where it sends from");

        var tagsGiven = request.Tags?.Distinct(StringComparer.Ordinal).ToArray();
        var updated = await fleet.PatchModemAsync(modemId, new ModemPatch(nickname, tagsGiven, request.DownlinkEndpointGiven, downlink), ct);
        if (updated is null) return Problems.UnknownModem(id);
        if (nickname is not null && nickname != current.Nickname)
            await audit.RecordAsync(context, AuditActions.ModemRenamed, id, $"from {current.Nickname} to {nickname}");
        if (tagsGiven is not null)
            await audit.RecordAsync(context, AuditActions.ModemTagged, id, tagsGiven.Length == 0 ? "no tags" : "tags " + string.Join(' ', tagsGiven));
        if (request.DownlinkEndpointGiven)
            await audit.RecordAsync(context, AuditActions.DownlinkEndpointSet, id, downlink ?? "cleared");
        // Gateways keep the modem in memory (they reload it for its downlink address); the event
        // stream tells open pages, which re-read the modem's row (nickname, tags).
        bus.Publish(CloudTopics.ModemChanges, modemId.ToString(), CloudJson.Serialize(new ModemChange(modemId.ToString(), ModemChange.Updated)));
        return TypedResults.Ok(updated.ToDto(time.GetUtcNow().UtcDateTime, gateway.Value.LinkFreshness));
    }
}
