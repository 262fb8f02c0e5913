using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Postgres;

public static class PostgresServices
{
    public static IServiceCollection AddPostgresStore(this IServiceCollection services)
    {
        services.AddSingleton<PostgresCloudStore>();
        services.AddSingleton<ITelemetryStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IModemStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<ICommandStore>(sp => sp.GetRequiredService<PostgresCloudStore>());
        services.AddSingleton<IStoreProbe>(sp => sp.GetRequiredService<PostgresCloudStore>());
        return services;
    }
}
