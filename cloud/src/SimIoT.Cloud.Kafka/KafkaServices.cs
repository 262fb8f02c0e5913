using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SimIoT.Cloud.Bus;
using SimIoT.Cloud.Hosting;

namespace SimIoT.Cloud.Kafka;

public static class KafkaServices
{
    public static IServiceCollection AddKafkaBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<KafkaBusOptions>(configuration.GetSection(KafkaBusOptions.Section));
        services.AddSingleton<KafkaEventBus>();
        services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<KafkaEventBus>());
        services.AddHostedService(sp => sp.GetRequiredService<KafkaEventBus>());
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>(KafkaHealthCheck.Name, tags: [CloudServices.ReadyTag]);
        return services;
    }
}
