using Microsoft.AspNetCore.Http.HttpResults;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Api;

/// <summary>GET /api/modems: paging and order, as the query string gives them.</summary>
/// <param name="Limit">Modems per page, 1..1000 (default 100).</param>
/// <param name="Cursor">The opaque cursor from the previous page's Link rel="next".</param>
/// <param name="Sort">id (default, ascending), nickname (ascending) or lastSeen (newest first).</param>
public sealed record FleetPageQuery(string? Limit, string? Cursor, string? Sort)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    internal ProblemHttpResult? TryPage(out ModemSort sort, out ModemCursor? after, out int limit)
    {
        after = null;
        limit = DefaultLimit;
        sort = ModemSort.Id;
        if (Limit is not null && (!int.TryParse(Limit, out limit) || limit is < 1 or > MaxLimit))
            return Problems.Validation("limit", $"limit must be a whole number from 1 to {MaxLimit}");
        switch (Sort)
        {
            case null or "id": sort = ModemSort.Id; break;
            case "nickname": sort = ModemSort.Nickname; break;
            case "lastSeen": sort = ModemSort.LastSeen; break;
            default: return Problems.Validation("sort", $"'{Sort}' is not a sort; use id, nickname or lastSeen");
        }
        if (Cursor is not null)
        {
            after = ModemCursor.TryDecode(Cursor);
            if (after is null || after.Sort != sort)
                return Problems.Validation("cursor", "the cursor is not one this API gave for this sort; start again without it");
        }
        return null;
    }
}
