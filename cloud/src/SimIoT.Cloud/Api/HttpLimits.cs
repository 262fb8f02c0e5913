using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SimIoT.Cloud.Api;

/// <summary>Kestrel's limits for the cloud's HTTP port, and ProblemDetails bodies on the errors Kestrel answers itself.</summary>
public static class HttpLimits
{
    public static IServiceCollection AddHttpLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) =>
        {
            kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes;
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(KestrelProblemBodies.Wrap));
        });
        return services;
    }
}
