using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SimIoT.Cloud.Api;

/// <summary>
/// Modem ids in a URL are taken only in canonical form, exactly 16 hex digits: `0`, `0x10`,
/// `4d2` or a padded id would otherwise name the same modem under many spellings (audit lines,
/// caches and logs keyed by text then disagree). One filter on every /api/modems/{id} route, so
/// routes added later are covered without each handler remembering it.
/// </summary>
internal sealed class CanonicalModemIds : IEndpointFilter
{
    private const string Prefix = "/api/modems/{id}";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint() is RouteEndpoint endpoint && endpoint.RoutePattern.RawText?.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true
            && http.GetRouteValue("id") is string id && !ApiMapping.IsCanonicalModemId(id))
            return ValueTask.FromResult<object?>(Problems.BadModemId(id));
        return next(context);
    }
}
