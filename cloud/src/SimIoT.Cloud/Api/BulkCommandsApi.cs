using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.Kafka;
using SimIoT.Protocol.V1;
using SimIoT.Protocol.V2;

namespace SimIoT.Cloud.Api;

/// <summary>
/// Carrier switches of many modems in one request: one ordinary command per modem (queued, sent,
/// acked... as any other), tied to a bulk whose summary counts them per state.
/// </summary>
public static class BulkCommandsApi
{
    /// <summary>Modem ids one request may list; larger selections go by filter.</summary>
    public const int MaxIds = 1000;

    /// <summary>Modems a filter may select in one bulk.</summary>
    public const int MaxSelected = 100_000;

    /// <summary>Commands made per store transaction: the store is never held for long, whatever the selection.</summary>
    public const int BatchSize = 500;

    public static IEndpointRouteBuilder MapBulkCommandsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/bulk-commands", CreateAsync).WithTags("Commands").WithName("CreateBulkCommand")
            .WithSummary("Queues a carrier switch for each listed modem, or each modem matching a filter (operator); follow the bulk at the Location given.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(Roles.Operator);
        app.MapGet("/api/bulk-commands/{id}", GetAsync).WithTags("Commands").WithName("GetBulkCommand")
            .WithSummary("A bulk command's summary: its commands counted per state.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Accepted<BulkCommandAccepted>, ProblemHttpResult>> CreateAsync(
        BulkCommandRequest request, HttpContext context, AuditLog audit, IBulkCommandStore bulks, IFleetStore fleet, IEventBus bus,
        TimeProvider time, IOptions<GatewayOptions> gateway, IOptions<CommandOptions> commands, CancellationToken ct)
    {
        if (!CarrierNames.TryParse(request.Carrier, out var parsed))
            return Problems.Validation("carrier", $"'{request.Carrier}' is not a carrier; valid carriers: {CarrierNames.Valid}");
        if ((request.Modems is null) == (request.Filter is null))
            return Problems.Validation("modems", "give either modems (a list of modem ids) or filter (the filters of GET /api/modems), not both");
        var carrier = CarrierNames.ToName(parsed);
        var organization = context.User.OrganizationOf();
        var now = time.GetUtcNow().UtcDateTime;
        // Once the bulk exists it is made whole and audited, even if the caller goes away meanwhile.
        var whole = CancellationToken.None;

        int maxOpen = commands.Value.MaxQueuedPerModem;
        long id;
        int total, selected = 0;
        if (request.Modems is { } list)
        {
            if (TryModems(list) is { } bad) return bad;
            var ids = list.Select(ModemId.Parse).Distinct().ToList();
            var known = (await bulks.ActiveModemsAsync(organization, ids, ct)).ToHashSet();
            // Another organization's modem is named exactly as one never registered.
            var unknown = ids.Where(m => !known.Contains(m)).Take(5).ToList();
            if (unknown.Count > 0)
                return Problems.Validation("modems", $"no active modem {string.Join(", ", unknown)} in this fleet; nothing was queued");
            id = await bulks.CreateBulkAsync(organization, carrier, $"{ids.Count} modems by id", now, whole);
            total = 0;
            selected = ids.Count;
            foreach (var batch in ids.Chunk(BatchSize)) total += await AddBatchAsync(bulks, bus, id, organization, batch, carrier, maxOpen, now, whole);
        }
        else
        {
            var query = request.Filter!;
            if (query.TryFilter(organization, now - gateway.Value.LinkFreshness, out var filter) is { } bad) return bad;
            long matching = await fleet.CountModemsAsync(filter, ct);
            if (matching == 0) return Problems.Validation("filter", "no modem matches the filter; nothing was queued");
            if (matching > MaxSelected) return Problems.Validation("filter", $"{matching} modems match; a bulk takes at most {MaxSelected}, narrow the filter");
            id = await bulks.CreateBulkAsync(organization, carrier, Describe(query), now, whole);
            total = 0;
            // Keyset pages by id: each matching modem once, even while modems are added.
            ModemCursor? after = null;
            while (true)
            {
                var page = await fleet.QueryModemsAsync(filter, ModemSort.Id, after, BatchSize, whole);
                if (page.Count == 0) break;
                selected += page.Count;
                total += await AddBatchAsync(bulks, bus, id, organization, [.. page.Select(m => m.Id)], carrier, maxOpen, now, whole);
                if (page.Count < BatchSize || total >= MaxSelected) break;
                after = ModemCursor.After(page[^1], ModemSort.Id);
            }
        }
        await audit.RecordAsync(context, AuditActions.BulkCarrierSwitchRequested, $"bulk {id}",
            selected == total ? $"{total} modems to {carrier}" : $"{total} modems to {carrier}, {selected - total} skipped (at the queue cap)", whole);
        return TypedResults.Accepted($"/api/bulk-commands/{id}", new BulkCommandAccepted(id, carrier, total, selected - total));
    }

    private static ProblemHttpResult? TryModems(string[] list)
    {
        if (list.Length == 0) return Problems.Validation("modems", "the selection is empty: list at least one modem");
        if (list.Length > MaxIds) return Problems.Validation("modems", $"{list.Length} modems listed; at most {MaxIds}, select more by filter");
        var bad = list.FirstOrDefault(m => !ApiMapping.IsCanonicalModemId(m));
        return bad is null && !list.Contains(null) ? null : Problems.Validation("modems", $"'{bad}' is not a modem id (exactly 16 hex digits)");
    }

    /// <summary>One batch in one store transaction, then each command on its way as a single one is.</summary>
    private static async Task<int> AddBatchAsync(IBulkCommandStore bulks, IEventBus bus, long id, string organization, IReadOnlyList<ModemId> modems, string carrier, int maxOpen, DateTime now, CancellationToken ct)
    {
        var made = await bulks.AddBulkCommandsAsync(id, organization, modems, carrier, maxOpen, now, ct);
        foreach (var record in made)
        {
            bus.Publish(CloudTopics.DownstreamRequest, record.ModemId.ToString(),
                ContractJson.Serialize(new DownstreamRequestMessage(KafkaTopics.CarrierSwitchPerformType, carrier, record.ModemId.ToString(), record.Id)));
        }
        return made.Count;
    }

    private static string Describe(FleetQuery q)
    {
        var parts = new[] { ("q", q.Q), ("carrier", q.Carrier), ("link", q.Link), ("protocol", q.Protocol), ("tag", q.Tag) }
            .Where(p => !string.IsNullOrWhiteSpace(p.Item2)).Select(p => $"{p.Item1}={p.Item2}").ToList();
        return parts.Count == 0 ? "all modems" : "modems matching " + string.Join(" ", parts);
    }

    private static async Task<Results<Ok<BulkCommandSummary>, ProblemHttpResult>> GetAsync(string id, HttpContext context, IBulkCommandStore bulks, CancellationToken ct)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, null, out long bulkId) || bulkId < 1 || id != bulkId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return Problems.Validation("id", $"'{id}' is not a bulk command id (a positive whole number)");
        var bulk = await bulks.FindBulkAsync(bulkId, context.User.OrganizationOf(), ct);
        return bulk is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown bulk command", detail: $"no bulk command {id}")
            : TypedResults.Ok(BulkCommandSummary.Of(bulk));
    }
}
