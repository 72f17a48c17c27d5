using Detente.Node;
using Detente.Storage;
using Detente.Testing;

namespace Detente.Cli.Tests;

/// <summary><c>detente token</c> and <c>detente collection</c> on the store of a data folder.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-admin-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public async ValueTask InitializeAsync()
    {
        NodeDataFolder.Open(_folder);
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: TestContext.Current.CancellationToken);
        await NodeBootstrap.EnsureAsync(store, _clock, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, true);
        return ValueTask.CompletedTask;
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new DetenteCli(new MemoryStream(), output, error, _clock).RunAsync(args, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<NodePrincipal?> AuthenticateAsync(string token)
    {
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: TestContext.Current.CancellationToken);
        return await NodeTokens.AuthenticateAsync(store, token, _clock.GetUtcNow(), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_created_token_is_shown_once_works_until_it_expires_and_is_listed_without_its_secret()
    {
        (int exit, string output, string error) = await RunAsync("token", "create", "--data", _folder, "--principal", "partner-a", "--role", "partner",
            "--expires", "90d");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        string token = output.Split("keep it safe: ")[1].Trim();
        Assert.Contains("expires 2026-04-01T00:00:00Z", output, StringComparison.Ordinal);
        Assert.Equal(new NodePrincipal("partner-a", TokenRole.Partner), await AuthenticateAsync(token));

        (int listExit, string list, _) = await RunAsync("token", "list", "--data", _folder);
        Assert.Equal(0, listExit);
        string id = token.Split('_')[1];
        Assert.Contains($"{id}\tpartner-a\tpartner\t2026-01-01T00:00:00Z\t2026-04-01T00:00:00Z\tactive", list, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('_', 3)[2], list, StringComparison.Ordinal); // the secret is base64url, which may itself hold '_'

        _clock.Advance(TimeSpan.FromDays(90));
        Assert.Null(await AuthenticateAsync(token));
        Assert.Contains("\texpired", (await RunAsync("token", "list", "--data", _folder)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_stops_working()
    {
        (_, string output, _) = await RunAsync("token", "create", "--data", _folder, "--principal", "ops", "--role", "admin", "--expires", "never");
        Assert.Contains("expires never", output, StringComparison.Ordinal);
        string token = output.Split("keep it safe: ")[1].Trim();
        string id = token.Split('_')[1];
        Assert.NotNull(await AuthenticateAsync(token));

        (int exit, string revoked, _) = await RunAsync("token", "revoke", id, "--data", _folder);
        Assert.Equal(0, exit);
        Assert.Contains(id + " revoked", revoked, StringComparison.Ordinal);
        Assert.Null(await AuthenticateAsync(token));
        Assert.Contains("\trevoked ", (await RunAsync("token", "list", "--data", _folder)).Out, StringComparison.Ordinal);

        (int again, _, string error) = await RunAsync("token", "revoke", id, "--data", _folder);
        Assert.Equal(1, again);
        Assert.Contains("no active token", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--expires", "0d")]
    [InlineData("--expires", "90")]
    [InlineData("--expires", "3y")]
    [InlineData("--expires", "99999d")]
    [InlineData("--role", "root")]
    [InlineData("--principal", "two words")]
    public async Task Bad_token_options_are_refused_and_store_nothing(string option, string value)
    {
        var args = new List<string> { "token", "create", "--data", _folder, "--principal", "p", "--role", "reader" };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        (int exit, string output, string error) = await RunAsync([.. args]);
        Assert.Equal(2, exit);
        Assert.DoesNotContain("dtn_", output, StringComparison.Ordinal);
        Assert.NotEqual("", error);
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Single(await store.ListTokensAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_folder_without_a_node_is_refused()
    {
        string missing = Path.Combine(_folder, "nothing-here");
        (int exit, _, string error) = await RunAsync("token", "list", "--data", missing);
        Assert.Equal(2, exit);
        Assert.Contains("detente serve", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Collections_are_created_listed_and_granted()
    {
        (int exit, string created, _) = await RunAsync("collection", "create", "--data", _folder, "--title", "Partner feed", "--alias", "feed");
        Assert.Equal(0, exit);
        string id = created.Split(' ')[1];
        Assert.True(Guid.TryParseExact(id, "D", out Guid guid) && guid.Version == 4);

        (int grantExit, string granted, _) = await RunAsync("collection", "grant", "feed", "partner-a", "--read", "--data", _folder);
        Assert.Equal(0, grantExit);
        Assert.Contains("partner-a on collection " + id + ": read.", granted, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("collection", "grant", id, "partner-b", "--read", "--write", "--data", _folder)).Exit);

        (_, string list, _) = await RunAsync("collection", "list", "--data", _folder);
        Assert.Contains($"default\t{id}\tfeed\tPartner feed\tpartner-a:read,partner-b:read,write", list, StringComparison.Ordinal);
        Assert.Contains("\tdefault\tDefault collection\tadmin:read,write", list, StringComparison.Ordinal);

        // Neither --read nor --write takes the access away.
        Assert.Equal(0, (await RunAsync("collection", "grant", id, "partner-a", "--data", _folder)).Exit);
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True((await store.GetAccessAsync(guid, "partner-a", TestContext.Current.CancellationToken)).IsNone);
    }

    [Fact]
    public async Task Collection_mistakes_are_clear_errors()
    {
        (int taken, _, string takenError) = await RunAsync("collection", "create", "--data", _folder, "--title", "Again", "--alias", "default");
        Assert.Equal(2, taken);
        Assert.Contains("alias 'default'", takenError, StringComparison.Ordinal);

        (int noRoot, _, string rootError) = await RunAsync("collection", "create", "--data", _folder, "--title", "X", "--api-root", "other");
        Assert.Equal(2, noRoot);
        Assert.Contains("no API root 'other'", rootError, StringComparison.Ordinal);

        (int unknown, _, string unknownError) = await RunAsync("collection", "grant", Guid.NewGuid().ToString("D"), "p", "--read", "--data", _folder);
        Assert.Equal(1, unknown);
        Assert.Contains("no collection", unknownError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("30m", 30)]
    [InlineData("3653d", 3653 * 24 * 60)]
    public void Lifetimes_read_as_days_hours_or_minutes(string text, int minutes)
    {
        Assert.True(NodeAdmin.TryParseLifetime(text, out TimeSpan? lifetime));
        Assert.Equal(TimeSpan.FromMinutes(minutes), lifetime);
    }

    [Fact]
    public void Any_lifetime_text_is_read_or_refused_without_throwing()
    {
        Property.ForAll(CsCheck.Gen.String["0123456789dhmnever -+"], text =>
        {
            if (NodeAdmin.TryParseLifetime(text, out TimeSpan? lifetime))
            {
                Assert.True(text == "never" ? lifetime is null : lifetime > TimeSpan.Zero && lifetime <= TimeSpan.FromDays(3653));
            }
        }, iterations: 500);
    }
}
