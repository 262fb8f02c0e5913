using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using SimIoT.Edge.Card;
using SimIoT.Edge.Modem;
using SimIoT.Edge.Queue;
using SimIoT.Edge.Readings;
using SimIoT.Edge.Toolkit.Terminal;
using SimIoT.Edge.Uplink;

namespace SimIoT.Edge.Hosting;

/// <summary>
/// The agent's host: configuration from appsettings.json, environment variables
/// (<c>Edge__Mqtt__Port=1884</c>) and command-line overrides (<c>--Edge:Mqtt:Port=1884</c>); sampling, MQTT broker and the pump into
/// <see cref="IReadingSink"/> as hosted services. The card terminal replaces the sink by
/// registering its own <see cref="IReadingSink"/> before <see cref="AddEdgeAgent"/> (TryAdd).
/// </summary>
public static class EdgeHost
{
    public static HostApplicationBuilder CreateBuilder(string[] args, bool emulate = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, Args = args });
        if (emulate) builder.Configuration[$"{EdgeOptions.Section}:Emulate"] = "true";
        builder.Services.AddSystemd();
        return builder;
    }

    public static IServiceCollection AddEdgeAgent(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EdgeOptions>(configuration.GetSection(EdgeOptions.Section));
        // Bound the same way as IOptions<EdgeOptions>: an absent section means the defaults.
        var card = new EdgeOptions().Card;
        configuration.GetSection($"{EdgeOptions.Section}:Card").Bind(card);
        // A sink registered before (a test, a custom build) wins; otherwise the card is the sink.
        bool sinkPlugged = services.Any(d => d.ServiceType == typeof(IReadingSink));
        if (!sinkPlugged && !string.Equals(card.Transport, "none", StringComparison.OrdinalIgnoreCase))
            services.AddCardUplink();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ReadingChannel(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.ReadingBuffer));
        services.TryAddSingleton<IReadingSink, LoggingReadingSink>();
        services.AddSingleton<SamplingService>();
        services.AddHostedService(sp => sp.GetRequiredService<SamplingService>());
        services.AddSingleton<MqttBrokerService>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttBrokerService>());
        services.AddHostedService<ReadingPumpService>();
        return services;
    }

    private static void AddCardUplink(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => CardTransports.OpenChannel(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.Card, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => FrameQueue.Open(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.QueueDirectory, sp.GetRequiredService<IOptions<EdgeOptions>>().Value.Queue, sp.GetRequiredService<ILoggerFactory>().CreateLogger<FrameQueue>()));
        services.AddSingleton<IModemControl>(sp => sp.GetRequiredService<IOptions<EdgeOptions>>().Value.Modem.Kind.ToLowerInvariant() switch
        {
            ModemOptions.Simulated => ActivatorUtilities.CreateInstance<SimulatedModemControl>(sp),
            ModemOptions.At => ActivatorUtilities.CreateInstance<AtModemControl>(sp),
            var other => throw new InvalidOperationException($"Edge:Modem:Kind '{other}' is not known (valid: {ModemOptions.Simulated}, {ModemOptions.At})"),
        });
        // One Edge section, bound once: the uplink library gets its parts of it.
        services.AddSingleton(sp => Options.Create(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.Uplink));
        services.AddSingleton(sp => Options.Create(sp.GetRequiredService<IOptions<EdgeOptions>>().Value.Terminal));
        services.AddSingleton<CardUplink>();
        services.AddSingleton<IReadingSink>(sp => sp.GetRequiredService<CardUplink>());
        services.AddHostedService(sp => sp.GetRequiredService<CardUplink>());
    }
}
