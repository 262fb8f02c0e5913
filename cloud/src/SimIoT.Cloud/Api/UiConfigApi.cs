using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace SimIoT.Cloud.Api;

public static class UiConfigApi
{
    public static IEndpointRouteBuilder MapUiConfig(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/config", (IOptions<ApiOptions> options) => TypedResults.Ok(new UiConfig(options.Value.GrafanaUrl)))
            .WithTags("Operations").WithName("UiConfig").WithSummary("What the web UI needs to know (the Grafana link).");
        return app;
    }
}
