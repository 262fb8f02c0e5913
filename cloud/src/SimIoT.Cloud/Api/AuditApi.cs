using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Identity;

namespace SimIoT.Cloud.Api;

public static class AuditApi
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", ListAsync).WithTags("Audit").WithName("ListAudit").RequireAuthorization(Roles.Admin)
            .WithSummary("The organization's audit, newest first (admin); page on with ?before=<the last id seen>.");
        return app;
    }

    private static async Task<Results<Ok<AuditRecord[]>, ProblemHttpResult>> ListAsync(long? before, int? limit, ClaimsPrincipal user, IAuditStore store, CancellationToken ct)
    {
        int n = limit ?? 100;
        if (n is < 1 or > MaxLimit) return Problems.Validation("limit", $"limit must be between 1 and {MaxLimit}");
        if (before is < 1) return Problems.Validation("before", "before must be a positive audit id");
        var records = await store.ListAuditAsync(user.OrganizationOf(), before, n, ct);
        return TypedResults.Ok(records.ToArray());
    }
}
