using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SimIoT.Cloud.Api;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Commands;
using SimIoT.Cloud.Events;
using SimIoT.Cloud.Gateway;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Metrics;
using SimIoT.Cloud.Store;
using SimIoT.Cloud.Telemetry;
using SimIoT.Protocol.Telemetry;

namespace SimIoT.Cloud.Hosting;

/// <summary>
/// Registration of the cloud's parts. Call order matters: hosted services stop in reverse
/// order, so the gateway stops receiving first, then the bus drains, then the sink flushes.
/// </summary>
public static class CloudServices
{
    /// <summary>Tag of the checks /readyz runs.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddCloudCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GatewayOptions>(configuration.GetSection(GatewayOptions.Section));
        services.Configure<CommandOptions>(configuration.GetSection(CommandOptions.Section));
        services.Configure<StoreOptions>(configuration.GetSection(StoreOptions.Section));
        services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.Section));
        services.AddHttpLimits();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CloudMetrics>();
        services.AddCloudMetricsExport();
        services.TryAddSingleton<Backpressure>();
        services.TryAddSingleton(sp => Catalog(configuration));
        services.AddHealthChecks().AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, tags: [ReadyTag]);
        services.AddSingleton<IHealthCheckPublisher, ReadinessPublisher>();
        // The health check service logs every failing check as an error on each run; the publisher logs changes once.
        services.AddLogging(b => b.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(1);
            o.Period = TimeSpan.FromSeconds(2);
            o.Predicate = c => c.Tags.Contains(ReadyTag);
        });
        return services;
    }

    /// <summary>The seed's device map, plus Devices:&lt;id&gt; = nickname entries from configuration.</summary>
    private static DeviceCatalog Catalog(IConfiguration configuration)
    {
        var profiles = DeviceCatalog.Default.Profiles.ToDictionary(p => p.DeviceId);
        foreach (var entry in configuration.GetSection("Devices").GetChildren())
        {
            if (uint.TryParse(entry.Key, out var id) && !string.IsNullOrWhiteSpace(entry.Value))
                profiles[id] = profiles.TryGetValue(id, out var known) ? known with { Nickname = entry.Value } : new DeviceProfile(id, entry.Value, ["value"], "");
        }
        return new DeviceCatalog(profiles.Values);
    }

    public static IServiceCollection AddSqliteStore(this IServiceCollection services)
    {
        services.TryAddSingleton<ModemKeyProtector>();
        services.AddSingleton<SqliteCloudStore>();
        services.AddSingleton<ITelemetryStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<IModemStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<IFleetStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<ICommandStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<ICommandHistoryStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<ICommandControlStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<IIdentityStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<IStoreProbe>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<ITelemetryRetention>(sp => sp.GetRequiredService<SqliteCloudStore>());
        services.AddSingleton<IBulkCommandStore>(sp => sp.GetRequiredService<SqliteCloudStore>());
        return services;
    }

    /// <summary>The API side: store sink, command states, SSE. Register before the bus.</summary>
    public static IServiceCollection AddCloudApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddCloudIdentity(configuration);
        services.AddSingleton<TelemetrySink>();
        services.AddSingleton<IBusHandler>(sp => sp.GetRequiredService<TelemetrySink>());
        services.AddHostedService(sp => sp.GetRequiredService<TelemetrySink>());
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.Problem() is null, "Retention options are inconsistent (each raw period at most Minutes, Minutes at most Hours, BatchSize and Interval positive)").ValidateOnStart();
        services.AddHostedService<TelemetryRetention>();
        services.AddSingleton<IBusHandler, CommandStateSink>();
        services.AddSingleton<EventStream>();
        services.AddSingleton<IBusHandler>(sp => sp.GetRequiredService<EventStream>());
        return services;
    }

    public static IServiceCollection AddInProcessBus(this IServiceCollection services)
    {
        services.AddSingleton<InProcessEventBus>();
        services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<InProcessEventBus>());
        services.AddHostedService(sp => sp.GetRequiredService<InProcessEventBus>());
        return services;
    }

    /// <summary>
    /// The gateway side. Register after the bus. <paramref name="sharedBus"/>: other gateways consume
    /// the same topics (Kafka), so bindings taken here are news to them and theirs to this one.
    /// </summary>
    public static IServiceCollection AddCloudGateway(this IServiceCollection services, bool sharedBus)
    {
        services.AddSingleton<GatewaySocket>();
        services.AddSingleton<ModemRegistry>();
        services.AddSingleton<UplinkProcessor>();
        services.AddSingleton<DownlinkSender>();
        services.AddSingleton<CommandTracker>();
        services.AddSingleton<UdpGateway>();
        services.AddSingleton<ModemStateFlusher>();
        services.AddSingleton<IBusHandler, DownstreamRequestHandler>();
        services.AddSingleton<IBusHandler, SeedRequestHandler>();
        services.AddHostedService<OpenCommandReloader>();
        services.AddSingleton<IBusHandler, ModemChangesHandler>();
        if (sharedBus)
        {
            services.AddSingleton<ModemBindings>();
            services.AddSingleton<IBindingNews>(sp => sp.GetRequiredService<ModemBindings>());
            services.AddSingleton<IBusHandler>(sp => sp.GetRequiredService<ModemBindings>());
        }
        else
        {
            services.AddSingleton<IBindingNews, LoneGateway>();
        }
        services.AddHostedService(sp => sp.GetRequiredService<ModemStateFlusher>());
        services.AddHostedService(sp => sp.GetRequiredService<CommandTracker>());
        services.AddHostedService(sp => sp.GetRequiredService<DownlinkSender>());
        services.AddHostedService(sp => sp.GetRequiredService<UdpGateway>());
        services.AddHealthChecks().AddCheck<GatewayHealthCheck>(GatewayHealthCheck.Name, tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapCloudApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();
        app.MapLogin();
        // Every API endpoint needs a caller of the organization (docs/security.md); roles narrow it further.
        app.MapOpenApi().RequireAuthorization(Roles.Viewer);
        var api = app.MapGroup("").RequireAuthorization(Roles.Viewer);
        api.AddEndpointFilter<CanonicalModemIds>();
        api.MapModemsApi();
        api.MapTelemetryApi();
        api.MapCommandsApi();
        api.MapCommandControlApi();
        api.MapEventsApi();
        api.MapUiConfig();
        api.MapAuditApi();
        api.MapBulkCommandsApi();
        return app;
    }
}
