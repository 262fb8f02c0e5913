using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SimIoT.Cloud.Audit;
using SimIoT.Cloud.Identity;
using SimIoT.Cloud.Postgres;
using SimIoT.Cloud.Store;

namespace SimIoT.Cloud.Host;

/// <summary>
/// 'token', 'user' and 'org': operators' commands on the store itself (SQLite under --data or
/// PostgreSQL under --postgres), so a fresh installation is bootstrapped before the cloud runs.
/// What scripts need (a token, a password) goes alone to stdout; everything else to stderr.
/// </summary>
public static class AdminCommands
{
    public static void Add(RootCommand root, Option<string?> data, Option<string?> postgres)
    {
        var org = new Option<string>("--org") { Description = "organization name (created if it does not exist)", Required = true };
        var role = new Option<string>("--role") { Description = "admin, operator or viewer", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var name = new Option<string?>("--name") { Description = "the token's name, shown in the audit (default token-<time>)" };
        var expires = new Option<string?>("--expires") { Description = "lifetime, e.g. 30d, 12h (default: never expires)" };
        var orgFilter = new Option<string?>("--org") { Description = "only this organization's tokens" };
        var tokenName = new Option<string>("--name") { Description = "name of the token(s) to revoke", Required = true };
        var userName = new Option<string>("--name") { Description = "login name (unique across organizations)", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "read the password from stdin instead of generating one" };

        var create = new Command("create", "Create an API token; prints the token alone on stdout (it is stored only as a hash).") { org, role, name, expires };
        create.SetAction((r, ct) => WithStoreAsync(r, data, postgres, async store =>
        {
            var organization = r.GetValue(org)!;
            var tokenLabel = r.GetValue(name) ?? $"token-{DateTime.UtcNow:yyyyMMddHHmmss}";
            if (!CheckNames(organization, tokenLabel)) return 2;
            DateTime? expiresAt = null;
            if (r.GetValue(expires) is { } text)
            {
                if (!DurationText.TryParse(text, out var lifetime))
                {
                    Console.Error.WriteLine($"--expires: '{text}' is not a duration (30d, 12h, 15m, 90s)");
                    return 2;
                }
                expiresAt = DateTime.UtcNow + lifetime;
            }
            var token = ApiTokens.Generate();
            await store.EnsureOrganizationAsync(organization, DateTime.UtcNow, ct);
            await store.AddTokenAsync(organization, tokenLabel, r.GetValue(role)!, ApiTokens.Hash(token), DateTime.UtcNow, expiresAt, ct);
            await AuditAsync(store, organization, AuditActions.TokenCreated, tokenLabel, $"role {r.GetValue(role)}, expires {expiresAt?.ToString("u") ?? "never"}", ct);
            Console.WriteLine(token);
            return 0;
        }));
        var list = new Command("list", "List API tokens (never the tokens themselves).") { orgFilter };
        list.SetAction((r, ct) => WithStoreAsync(r, data, postgres, async store =>
        {
            var now = DateTime.UtcNow;
            Console.WriteLine("ORGANIZATION\tNAME\tROLE\tCREATED\tEXPIRES\tSTATE");
            foreach (var t in await store.ListTokensAsync(r.GetValue(orgFilter), ct))
            {
                var state = t.RevokedAt is not null ? "revoked" : t.IsValidAt(now) ? "active" : "expired";
                Console.WriteLine($"{t.Organization}\t{t.Name}\t{t.Role}\t{t.CreatedAt:u}\t{(t.ExpiresAt is { } e ? e.ToString("u") : "never")}\t{state}");
            }
            return 0;
        }));
        var revoke = new Command("revoke", "Revoke an organization's tokens of that name.") { org, tokenName };
        revoke.SetAction((r, ct) => WithStoreAsync(r, data, postgres, async store =>
        {
            int n = await store.RevokeTokenAsync(r.GetValue(org)!, r.GetValue(tokenName)!, DateTime.UtcNow, ct);
            if (n > 0) await AuditAsync(store, r.GetValue(org)!, AuditActions.TokenRevoked, r.GetValue(tokenName)!, $"{n} token(s)", ct);
            Console.Error.WriteLine(n == 0 ? "no live token of that name in that organization" : $"revoked {n} token(s)");
            return n == 0 ? 1 : 0;
        }));
        var token = new Command("token", "API tokens (Authorization: Bearer) on the store: create, list, revoke.") { create, list, revoke };

        var add = new Command("add", "Add a web UI user; prints a generated password once (or reads one from stdin with --password-stdin).") { org, role, userName, passwordStdin };
        add.SetAction((r, ct) => WithStoreAsync(r, data, postgres, async store =>
        {
            var organization = r.GetValue(org)!;
            var login = r.GetValue(userName)!;
            if (!CheckNames(organization, login)) return 2;
            bool generated = !r.GetValue(passwordStdin);
            var password = generated ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)) : (Console.In.ReadLine() ?? "");
            if (password.Length < Passwords.MinLength)
            {
                Console.Error.WriteLine($"the password must be at least {Passwords.MinLength} characters");
                return 2;
            }
            var now = DateTime.UtcNow;
            var hash = Passwords.Hash(password);
            await store.EnsureOrganizationAsync(organization, now, ct);
            if (!await store.AddUserAsync(new UserRecord(login, organization, r.GetValue(role)!, hash, now), ct))
            {
                Console.Error.WriteLine($"a user '{login}' already exists");
                return 1;
            }
            await AuditAsync(store, organization, AuditActions.UserCreated, login, $"role {r.GetValue(role)}", ct);
            if (generated) Console.WriteLine(password);
            return 0;
        }));
        var user = new Command("user", "Web UI users on the store: add.") { add };

        var orgList = new Command("list", "List organizations.");
        orgList.SetAction((r, ct) => WithStoreAsync(r, data, postgres, async store =>
        {
            foreach (var o in await store.ListOrganizationsAsync(ct)) Console.WriteLine(o);
            return 0;
        }));
        var orgCommand = new Command("org", "Organizations (tenants) on the store: list.") { orgList };

        var kekNew = new Command("new", "Print a new random key-encryption key (base64) for Store:KeyEncryptionKey or a key file (docs/operations.md).");
        kekNew.SetAction(_ => Console.WriteLine(ModemKeyProtector.NewKek()));
        root.Subcommands.Add(new Command("kek", "The key-encryption key of master keys at rest: new.") { kekNew });
        root.Subcommands.Add(token);
        root.Subcommands.Add(user);
        root.Subcommands.Add(orgCommand);
    }

    /// <summary>Changes made on the store are audited too; the actor is the command line (the store's own operator).</summary>
    private static Task AuditAsync(IIdentityStore store, string organization, string action, string target, string detail, CancellationToken ct) =>
        ((IAuditStore)store).AppendAuditAsync(new AuditRecord(0, organization, DateTime.UtcNow, "cli", action, target, detail, null), ct);

    private static bool CheckNames(params string[] names)
    {
        foreach (var n in names)
        {
            if (OrganizationNames.IsValid(n)) continue;
            Console.Error.WriteLine($"'{n}' is not a valid name: 1 to {OrganizationNames.MaxLength} letters, digits, '.', '_', '-' or '@'");
            return false;
        }
        return true;
    }

    private static async Task<int> WithStoreAsync(ParseResult result, Option<string?> data, Option<string?> postgres, Func<IIdentityStore, Task<int>> action)
    {
        var connection = result.GetValue(postgres);
        var options = Options.Create(new StoreOptions { DataDir = result.GetValue(data) ?? new StoreOptions().DataDir, Postgres = connection });
        IDisposable store = string.IsNullOrWhiteSpace(connection)
            ? new SqliteCloudStore(options)
            : new PostgresCloudStore(options, NullLogger<PostgresCloudStore>.Instance);
        using (store) return await action((IIdentityStore)store);
    }
}
