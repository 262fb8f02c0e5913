using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Postgres;

public static class PostgresServices
{
    public static IServiceCollection AddPostgresStore(this IServiceCollection services)
    {
        services.TryAddSingleton<ModemKeyProtector>();
        services.AddSingleton<PostgresCloudStore>();
        services.AddSingleton<ITelemetryStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IModemStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IFleetStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<ICommandStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<ICommandHistoryStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<ICommandControlStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IIdentityStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IStoreProbe>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<ITelemetryRetention>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IBulkCommandStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddHostedService<PostgresPartitionsAhead>();
        return services;
    }
}
