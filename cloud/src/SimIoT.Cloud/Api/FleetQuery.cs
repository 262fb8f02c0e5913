using Microsoft.AspNetCore.Http.HttpResults;
using SimIoT.Cloud.Store;
using SimIoT.Protocol.V1;

namespace SimIoT.Cloud.Api;

/// <summary>
/// The fleet's filters as the query string gives them (GET /api/modems, /api/modems/count, bulk
/// commands); parsed by hand so a bad value gets a ProblemDetails naming the field.
/// </summary>
/// <param name="Q">Id prefix (hex, any case) or nickname substring (case-insensitive).</param>
/// <param name="Carrier">AT&amp;T, T-Mobile, Verizon or Disconnect.</param>
/// <param name="Link">fresh or stale.</param>
/// <param name="Protocol">v1 or v2.</param>
/// <param name="Tag">One exact tag.</param>
public sealed record FleetQuery(string? Q, string? Carrier, string? Link, string? Protocol, string? Tag)
{
    /// <summary>The filter for the caller's organization, or the problem with the query.</summary>
    internal ProblemHttpResult? TryFilter(string organization, DateTime freshAfter, out ModemFilter filter)
    {
        filter = new ModemFilter(organization, FreshAfter: freshAfter);
        if (Q is { } q && (q.Length > ModemsApi.MaxNickname || q.Any(char.IsControl)))
            return Problems.Validation("q", $"q must be at most {ModemsApi.MaxNickname} characters, none of them control characters");
        string? carrier = null;
        if (Carrier is not null)
        {
            if (!CarrierNames.TryParse(Carrier, out var parsed)) return Problems.Validation("carrier", $"'{Carrier}' is not a carrier; valid carriers: {CarrierNames.Valid}");
            carrier = CarrierNames.ToName(parsed);
        }
        if (Link is not null and not ("fresh" or "stale")) return Problems.Validation("link", $"'{Link}' is not a link state; use fresh or stale");
        if (Protocol is not null and not ("v1" or "v2")) return Problems.Validation("protocol", $"'{Protocol}' is not a protocol; use v1 or v2");
        if (Tag is not null && !ModemTagRule.IsValid(Tag)) return Problems.Validation("tag", ModemTagRule.Text);
        filter = filter with { Query = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim(), Carrier = carrier, Fresh = Link is null ? null : Link == "fresh", Protocol = Protocol, Tag = Tag };
        return null;
    }
}
