using SimIoT.Cloud.Api;
using SimIoT.Cloud.Hosting;
using SimIoT.Cloud.Kafka;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Host;

/// <summary>
/// Builds the cloud process for a role, choosing the bus (in-process or Kafka) and the store
/// (SQLite or PostgreSQL) from configuration. Tests build it the same way on port 0.
/// </summary>
public static class CloudApp
{
    public const string DefaultUrl = "http://127.0.0.1:8000";

    public static WebApplication Build(CloudRole role, IEnumerable<KeyValuePair<string, string?>> settings, string[]? args = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "webui"),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"])) builder.WebHost.UseUrls(DefaultUrl);
        // A cloud on the loopback answers only to loopback host names, so a DNS-rebinding page cannot drive it.
        if (string.IsNullOrEmpty(builder.Configuration["AllowedHosts"]) && new Uri(builder.Configuration["Urls"] ?? DefaultUrl).IsLoopback)
            builder.Configuration["AllowedHosts"] = "localhost;127.0.0.1;[::1]";
        var config = builder.Configuration;
        var services = builder.Services;
        services.AddCloudCore(config);

        var postgres = config[$"{StoreOptions.Section}:{nameof(StoreOptions.Postgres)}"];
        if (string.IsNullOrWhiteSpace(postgres)) services.AddSqliteStore();
        else services.AddPostgresStore();

        if (role != CloudRole.Gateway) services.AddCloudApi(config);

        var kafka = config[$"{KafkaBusOptions.Section}:{nameof(KafkaBusOptions.Kafka)}"];
        bool sharedBus = !string.IsNullOrWhiteSpace(kafka);
        if (sharedBus) services.AddKafkaBus(config);
        else services.AddInProcessBus();

        if (role != CloudRole.Api) services.AddCloudGateway(sharedBus);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapOperationsApi();
        if (role != CloudRole.Gateway)
        {
            app.MapCloudApi();
            app.UseDefaultFiles();
            app.UseStaticFiles();
        }
        return app;
    }
}
