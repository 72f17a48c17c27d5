using System.CommandLine;
using System.Globalization;
using Detente.Node;
using Detente.Storage;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command TokenCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var principal = new Option<string>("--principal") { Description = "The principal the token authenticates.", Required = true };
        var role = new Option<string>("--role")
        {
            Description = "admin, analyst, reader or partner.",
            Required = true,
        };
        role.AcceptOnlyFromAmong("admin", "analyst", "reader", "partner");
        var expires = new Option<string>("--expires")
        {
            Description = "How long the token works: e.g. 90d, 12h, 30m, or never. Default: 90d.",
            DefaultValueFactory = static _ => "90d",
        };
        var create = new Command("create", "Create an API token and print it once (only its hash is stored).") { data, postgres, principal, role, expires };
        create.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            if (!NodeAdmin.TryParseLifetime(result.GetValue(expires)!, out TimeSpan? lifetime))
            {
                await _stderr.WriteLineAsync("detente: --expires is a whole number of days, hours or minutes (90d, 12h, 30m) up to 10 years, or never.");
                return ExitCodes.Unusable;
            }

            ClientCertificateMap.TryParseRole(result.GetValue(role)!, out TokenRole tokenRole);
            (ApiToken token, string secret) = await NodeAdmin.CreateTokenAsync(store, result.GetValue(principal)!, tokenRole, lifetime, _timeProvider,
                cancellationToken);
            await _stdout.WriteLineAsync($"Token {token.TokenId} for {token.Principal} ({RoleName(token.Role)}), expires {Time(token.Expires)}.");
            await _stdout.WriteLineAsync("Shown once, keep it safe: " + secret);
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List API tokens: id, principal, role, created, expires, state (never the secrets).") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            await _stdout.WriteLineAsync(string.Join('\t', "ID", "PRINCIPAL", "ROLE", "CREATED", "EXPIRES", "STATE"));
            foreach (ApiToken token in await store.ListTokensAsync(cancellationToken))
            {
                string state = token.Revoked is not null ? "revoked " + Time(token.Revoked) : token.IsActiveAt(now) ? "active" : "expired";
                await _stdout.WriteLineAsync(string.Join('\t', token.TokenId, token.Principal, RoleName(token.Role), Time(token.Created), Time(token.Expires), state));
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Command revoke = RemoveCommand("revoke", "Revoke an API token; it stops working at once.", "ID", "The token's id (the 16 hex digits after dtn_).",
            "active token", (store, id, ct) => store.RevokeTokenAsync(id, ct), id => $"Token {id} revoked.");
        return new Command("token", "API tokens of a node (operates on its store directly).") { create, list, revoke };
    }

    private Command CollectionCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var title = new Option<string>("--title") { Description = "The collection's title.", Required = true };
        var alias = new Option<string?>("--alias") { Description = "An alias, unique in the API root." };
        var apiRoot = new Option<string>("--api-root")
        {
            Description = "The API root. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var create = new Command("create", "Create a collection (no one may read or write it until granted).") { data, postgres, title, alias, apiRoot };
        create.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            Collection c = await NodeAdmin.CreateCollectionAsync(store, result.GetValue(title)!, result.GetValue(alias), result.GetValue(apiRoot)!,
                cancellationToken: cancellationToken);
            await _stdout.WriteLineAsync($"Collection {c.Id:D} created in API root '{c.ApiRoot}'.");
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List collections of every API root, with their grants.") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            await _stdout.WriteLineAsync(string.Join('\t', "API ROOT", "ID", "ALIAS", "TITLE", "GRANTS"));
            foreach (ApiRoot root in await store.ListApiRootsAsync(cancellationToken))
            {
                foreach (Collection c in await store.ListCollectionsAsync(root.Name, cancellationToken))
                {
                    IReadOnlyList<CollectionGrant> grants = await store.ListGrantsAsync(c.Id, cancellationToken);
                    string granted = grants.Count == 0 ? "-" : string.Join(',', grants.Select(g => g.Principal + ":" + AccessName(g.Access)));
                    await _stdout.WriteLineAsync(string.Join('\t', root.Name, c.Id.ToString("D"), c.Alias ?? "-", c.Title, granted));
                }
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> grantData = DataOption();
        Option<string?> grantPostgres = PostgresOption();
        var collection = new Argument<string>("ID") { Description = "The collection's id, or its alias in --api-root." };
        var grantee = new Argument<string>("PRINCIPAL") { Description = "The principal to grant access to." };
        var read = new Option<bool>("--read") { Description = "May read objects, manifests and versions (can_read)." };
        var write = new Option<bool>("--write") { Description = "May add objects (can_write)." };
        var grantRoot = new Option<string>("--api-root")
        {
            Description = "The API root of an alias. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var grant = new Command("grant", "Set what a principal may do with a collection; neither --read nor --write revokes its access.")
        {
            collection,
            grantee,
            read,
            write,
            grantRoot,
            grantData,
            grantPostgres,
        };
        grant.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(grantData)!, result.GetValue(grantPostgres), async store =>
        {
            string principal = result.GetValue(grantee)!;
            NodeAdmin.RequirePrincipal(principal);
            Collection? target = await NodeAdmin.FindCollectionAsync(store, result.GetValue(collection)!, result.GetValue(grantRoot)!, cancellationToken);
            if (target is null)
            {
                await _stderr.WriteLineAsync($"detente: no collection '{result.GetValue(collection)}'.");
                return ExitCodes.Invalid;
            }

            var access = new CollectionAccess(result.GetValue(read), result.GetValue(write));
            if (access.IsNone)
            {
                await store.RevokeAsync(target.Id, principal, cancellationToken);
            }
            else
            {
                await store.GrantAsync(target.Id, principal, access, cancellationToken);
            }

            await _stdout.WriteLineAsync($"{principal} on collection {target.Id:D}: {AccessName(access)}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return new Command("collection", "Collections of a node and who may read or write them (operates on its store directly).") { create, list, grant, new Command("partner", "The collection's partners.") { CollectionPartnerCommand(true), CollectionPartnerCommand(false) }, DefaultMarkingCommand() };
    }

    /// <summary>
    /// A command that removes (or revokes) one thing of a node's store by its name: <paramref name="remove"/> answers false
    /// when there is none, which prints <c>detente: no {what} NAME.</c> and exits 1; otherwise <paramref name="done"/> is
    /// printed and it exits 0. <paramref name="afterRemoved"/>, when given, runs after a removal with the data folder.
    /// </summary>
    private Command RemoveCommand(string name, string description, string argument, string argumentDescription, string what,
        Func<IStore, string, CancellationToken, Task<bool>> remove, Func<string, string> done, Action<string, string>? afterRemoved = null)
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var key = new Argument<string>(argument) { Description = argumentDescription };
        var command = new Command(name, description) { key, data, postgres };
        command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            string value = result.GetValue(key)!;
            if (!await remove(store, value, cancellationToken))
            {
                await _stderr.WriteLineAsync($"detente: no {what} {value}.");
                return ExitCodes.Invalid;
            }

            afterRemoved?.Invoke(result.GetValue(data)!, value);
            await _stdout.WriteLineAsync(done(value));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    /// <summary>Opens the store of an existing node, runs <paramref name="action"/> on it, and disposes it.</summary>
    private async Task<int> WithStoreAsync(string dataFolder, string? postgres, Func<IStore, Task<int>> action, CancellationToken cancellationToken)
    {
        IStore store;
        try
        {
            store = await NodeAdmin.OpenExistingStoreAsync(dataFolder, postgres, _timeProvider, cancellationToken);
        }
        catch (NodeConfigurationException e)
        {
            await _stderr.WriteLineAsync("detente: " + e.Message);
            return ExitCodes.Unusable;
        }

        await using (store)
        {
            try
            {
                return await action(store);
            }
            catch (NodeConfigurationException e)
            {
                await _stderr.WriteLineAsync("detente: " + e.Message);
                return ExitCodes.Unusable;
            }
        }
    }

    private static string RoleName(TokenRole role) => role.ToString().ToLowerInvariant();

    private static string AccessName(CollectionAccess access) => (access.CanRead, access.CanWrite) switch
    {
        (true, true) => "read,write",
        (true, false) => "read",
        (false, true) => "write",
        _ => "none",
    };

    private static string Time(DateTimeOffset? time) =>
        time is DateTimeOffset t ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "never";
}
