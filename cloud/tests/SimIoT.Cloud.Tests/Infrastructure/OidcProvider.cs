using System.Collections.Immutable;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
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
/// discovery, a JWKS, the token endpoint's client credentials flow, and the authorization code flow
/// (PKCE required) with a minimal login page where a test person is picked, plus end-session;
/// tokens are signed with its own ephemeral key. Clients and people are fixed at start (OpenIddict's
/// degraded mode: no database), a client's redirect URIs may be added once its address is known.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    /// <summary>A client of the provider and what its access tokens say.</summary>
    public sealed record Client(string Id, string Secret, string Audience, Dictionary<string, string> Claims, TimeSpan? Lifetime = null)
    {
        /// <summary>Where the authorization and end-session endpoints may send the browser back.</summary>
        public HashSet<string> RedirectUris { get; } = [];

        /// <summary>Registers an ASP.NET Core OpenIdConnect client at <paramref name="site"/>: its sign-in and signed-out callbacks.</summary>
        public void AllowRedirectsTo(Uri site)
        {
            RedirectUris.Add(new Uri(site, "signin-oidc").ToString());
            RedirectUris.Add(new Uri(site, "signout-callback-oidc").ToString());
        }
    }

    /// <summary>A person who signs in at the login page, and what their ID and access tokens say besides the subject.</summary>
    public sealed record Person(string Subject, Dictionary<string, string> Claims);

    private WebApplication _app = null!;
    private int _endSessions;

    public Uri Issuer { get; private set; } = null!;

    /// <summary>How many end-session requests the provider has answered.</summary>
    public int EndSessions => Volatile.Read(ref _endSessions);

    public static Task<OidcProvider> StartAsync(params Client[] clients) => StartAsync(clients, []);

    public static async Task<OidcProvider> StartAsync(IReadOnlyList<Client> clients, IReadOnlyList<Person> people)
    {
        var provider = new OidcProvider();
        var known = clients.ToDictionary(c => c.Id);
        var persons = people.ToDictionary(p => p.Subject);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetTokenEndpointUris("connect/token").SetAuthorizationEndpointUris("connect/authorize").SetEndSessionEndpointUris("connect/endsession");
            o.AllowClientCredentialsFlow().AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            o.RegisterScopes(Scopes.OpenId, Scopes.Profile);
            o.EnableDegradedMode();
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.DisableAccessTokenEncryption();
            o.UseAspNetCore().DisableTransportSecurityRequirement().EnableTokenEndpointPassthrough()
                .EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough();
            // Degraded mode leaves client and redirect URI checks to the host.
            o.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.ClientId is not { } id || !known.TryGetValue(id, out var client) || context.RedirectUri is not { } uri || !client.RedirectUris.Contains(uri))
                    context.Reject(Errors.InvalidClient, "unknown client or redirect_uri");
                return default;
            }));
            o.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(b => b.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } uri && !known.Values.Any(c => c.RedirectUris.Contains(uri)))
                    context.Reject(Errors.InvalidRequest, "unknown post_logout_redirect_uri");
                return default;
            }));
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
        app.MapPost("/connect/token", async (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            if (request.IsAuthorizationCodeGrantType())
            {
                // OpenIddict has checked the code, its client, redirect URI and PKCE verifier; the person signed in at the authorization endpoint.
                var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
                return Results.SignIn(code.Principal!, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            }
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
        // The login (and consent) page: one button per person; the chosen one is signed in with their claims.
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            if (request.GetParameter("person")?.ToString() is not { } subject || !persons.TryGetValue(subject, out var person))
                return Results.Content(LoginPage(http.Request.Query, persons.Keys), "text/html; charset=utf-8");
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, person.Subject));
            foreach (var (type, value) in person.Claims) identity.AddClaim(new Claim(type, value));
            var principal = new ClaimsPrincipal(identity);
            principal.SetScopes(request.GetScopes());
            principal.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], () =>
        {
            Interlocked.Increment(ref provider._endSessions);
            return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider._app = app;
        provider.Issuer = new Uri(address + "/");
        return provider;
    }

    private static string LoginPage(IQueryCollection request, IEnumerable<string> people)
    {
        var html = HtmlEncoder.Default;
        var fields = string.Concat(request.Select(p => $"<input type=\"hidden\" name=\"{html.Encode(p.Key)}\" value=\"{html.Encode(p.Value.ToString())}\">"));
        var buttons = string.Concat(people.Select(p => $"<button name=\"person\" value=\"{html.Encode(p)}\">Sign in as {html.Encode(p)}</button>"));
        return $"<!doctype html><html><head><title>Test provider</title></head><body><form method=\"post\" action=\"/connect/authorize\">{fields}{buttons}</form></body></html>";
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
