using System.Collections.Immutable;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SimIoT.Cloud.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider for tests: OpenIddict's server on Kestrel (127.0.0.1:0) with
/// discovery, a JWKS and the token endpoint's client credentials flow, signing JWT access tokens
/// with its own ephemeral key. Clients are fixed at start (OpenIddict's degraded mode: no database).
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    /// <summary>A client of the provider and what its access tokens say.</summary>
    public sealed record Client(string Id, string Secret, string Audience, Dictionary<string, string> Claims, TimeSpan? Lifetime = null);

    private readonly WebApplication _app;

    private OidcProvider(WebApplication app, Uri issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    public Uri Issuer { get; }

    public static async Task<OidcProvider> StartAsync(params Client[] clients)
    {
        var known = clients.ToDictionary(c => c.Id);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetTokenEndpointUris("connect/token");
            o.AllowClientCredentialsFlow();
            o.EnableDegradedMode();
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.DisableAccessTokenEncryption();
            o.UseAspNetCore().DisableTransportSecurityRequirement().EnableTokenEndpointPassthrough();
            // Degraded mode leaves client authentication to the host.
            o.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.Request.ClientId is not { } id || !known.TryGetValue(id, out var client) || client.Secret != context.Request.ClientSecret)
                    context.Reject(Errors.InvalidClient, "unknown client or wrong secret");
                return default;
            }));
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.MapPost("/connect/token", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            var client = known[request.ClientId!];
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, client.Id));
            foreach (var (type, value) in client.Claims) identity.AddClaim(new Claim(type, value));
            var principal = new ClaimsPrincipal(identity);
            principal.SetAudiences(ImmutableArray.Create(client.Audience));
            if (client.Lifetime is { } lifetime) principal.SetAccessTokenLifetime(lifetime);
            principal.SetDestinations(_ => [Destinations.AccessToken]);
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OidcProvider(app, new Uri(address + "/"));
    }

    /// <summary>An access token for <paramref name="client"/> by the client credentials flow, as any OAuth client gets one.</summary>
    public async Task<string> TokenAsync(Client client)
    {
        using var http = new HttpClient { BaseAddress = Issuer };
        var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = client.Id, ["client_secret"] = client.Secret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request refused: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
