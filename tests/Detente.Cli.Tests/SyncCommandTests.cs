using System.Text;
using Detente.Ledger.Notes;
using Detente.Node;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Storage.Sqlite;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Cli.Tests;

/// <summary><c>detente partner add … --token --log-key</c>, <c>partner subscribe</c>, <c>sync</c> and <c>audit</c> against a
/// partner node served in process over loopback.</summary>
public sealed class SyncCommandTests : IAsyncLifetime
{
    private const string Origin = "us-cert.example/log";
    private static readonly HttpClient s_http = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-sync-" + Guid.NewGuid().ToString("N"));
    private readonly string _partnerFolder = Path.Combine(Path.GetTempPath(), "detente-sync-partner-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly StixSigningKey _partnerKey = StixSigningKey.Create();
    private NodeSigning _partnerSigning = null!;
    private IStore _partnerStore = null!;
    private WebApplication _partner = null!;
    private Uri _partnerUrl = null!;
    private string _partnerAdmin = null!;
    private Guid _partnerCollection;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        NodeDataFolder.Open(_folder);
        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            await NodeBootstrap.EnsureAsync(store, _clock, Ct);
        }

        _partnerStore = await SqliteStore.OpenAsync(_partnerFolder, _clock);
        BootstrapResult bootstrap = await NodeBootstrap.EnsureAsync(_partnerStore, _clock, Ct);
        _partnerAdmin = bootstrap.AdminToken!;
        _partnerCollection = bootstrap.DefaultCollectionId!.Value;
        _partnerSigning = new NodeSigning(_partnerKey, NodeSigning.CreateIdentity("us-cert", _partnerKey, _clock.GetUtcNow()));
        _partner = DetenteNode.Build(_partnerStore, new NodeOptions
        {
            Log = new NodeLogOptions { Key = _partnerKey, Origin = Origin, MaxBatchDelay = TimeSpan.Zero },
            Signing = _partnerSigning,
        },
            ["http://127.0.0.1:0"], _clock, _ => { });
        await _partner.StartAsync(Ct);
        _partnerUrl = new Uri(_partner.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _partner.StopAsync();
        await _partner.DisposeAsync();
        await _partnerStore.DisposeAsync();
        _partnerKey.Dispose();
        Directory.Delete(_folder, true);
        Directory.Delete(_partnerFolder, true);
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new DetenteCli(new MemoryStream(), output, error, _clock).RunAsync([.. args, "--data", _folder], Ct);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<List<string>> PublishAsync(int count, string name)
    {
        var ids = Enumerable.Range(0, count).Select(_ => "indicator--" + Guid.NewGuid().ToString("D")).ToList();
        string json = "{\"objects\":[" + string.Join(",", ids.Select(id => $$"""
            {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","name":"{{name}}","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}
            """)) + "]}";
        var client = new TaxiiClient(s_http, _partnerUrl, new TaxiiClientOptions { Credentials = TaxiiCredentials.Bearer(_partnerAdmin) });
        TaxiiStatus status = await client.AddObjectsAsync(NodeOptions.ApiRootUrl(_partnerUrl, "default"), _partnerCollection.ToString("D"),
            new TaxiiReader().ReadEnvelope(Encoding.UTF8.GetBytes(json)), Ct);
        Assert.Equal(count, status.SuccessCount);
        return ids;
    }

    [Fact]
    public async Task Partner_add_subscribe_sync_and_audit_work_end_to_end_and_an_alarm_is_shown_until_cleared()
    {
        (ApiToken issued, string token) = NodeTokens.Create("un-wg", TokenRole.Partner, _clock.GetUtcNow(), null);
        Assert.True(await _partnerStore.AddTokenAsync(issued, Ct));
        Assert.True(await _partnerStore.GrantAsync(_partnerCollection, "un-wg", CollectionAccess.Read, Ct));
        string vkey = new NoteSigner(Origin, _partnerKey).VerifierKey.ToString();
        await PublishAsync(3, "first");

        (int added, string addOut, string addErr) = await RunAsync("partner", "add", "us-cert", "--identity", _partnerSigning.IdentityId,
            "--key", Convert.ToHexString(_partnerKey.VerificationKey.RawPublicKey.Span), "--url", _partnerUrl.AbsoluteUri, "--token", token, "--log-key", vkey);
        Assert.Equal(0, added);
        Assert.DoesNotContain(token, addOut + addErr, StringComparison.Ordinal);
        string tokenFile = Path.Combine(_folder, "partners", "us-cert", "token");
        Assert.Equal(token, File.ReadAllText(tokenFile).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        }

        Assert.Equal(2, (await RunAsync("partner", "add", "fr-cert", "--identity", "identity--00000000-0000-4000-8000-0000000000f2",
            "--key", Convert.ToHexString(_partnerKey.VerificationKey.RawPublicKey.Span), "--log-key", "not-a-key")).Exit);

        Assert.Equal(0, (await RunAsync("partner", "subscribe", "us-cert", _partnerCollection.ToString("D"), "--into", "default")).Exit);
        Assert.Equal(1, (await RunAsync("partner", "subscribe", "us-cert", _partnerCollection.ToString("D"), "--into", "default")).Exit);

        (int synced, string syncOut, string syncErr) = await RunAsync("sync");
        Assert.True(synced == 0, syncOut + syncErr);
        Assert.Contains("us-cert: default/" + _partnerCollection.ToString("D") + " page 1: 3 objects, 3 new, 0 refused", syncOut, StringComparison.Ordinal);
        Assert.Contains("audit OK at log size 3", syncOut, StringComparison.Ordinal);
        Assert.DoesNotContain(token, syncOut + syncErr, StringComparison.Ordinal);

        (int status, string statusOut, _) = await RunAsync("audit", "status");
        Assert.Equal(0, status);
        Assert.Contains("us-cert\tus-cert.example/log\t3\t", statusOut, StringComparison.Ordinal);
        Assert.Contains("\tOBJECTS RECEIVED\tREDACTED UNPROVEN\tALARM", statusOut, StringComparison.Ordinal);
        Assert.EndsWith("\t3\t0\t-", statusOut.Split('\n').Single(l => l.StartsWith("us-cert\t", StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);

        // The partner serves an object other than the one it logged and signed: the sync is an alarm and stores nothing of it.
        List<string> later = await PublishAsync(2, "second");
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_partnerFolder, SqliteStore.FileName),
            Pooling = false,
        }.ToString()))
        {
            await connection.OpenAsync(Ct);
            await using SqliteCommand command = connection.CreateCommand();
            command.CommandText = $"UPDATE objects SET json = CAST(replace(CAST(json AS TEXT), '\"second\"', '\"third\"') AS BLOB) WHERE object_id = '{later[1]}'";
            await command.ExecuteNonQueryAsync(Ct);
        }

        (int alarmed, string alarmOut, _) = await RunAsync("sync", "us-cert");
        Assert.Equal(1, alarmed);
        Assert.Contains("AUDIT ALARM: object-origin", alarmOut, StringComparison.Ordinal);
        (int flagged, string flaggedOut, _) = await RunAsync("audit", "status");
        Assert.Equal(1, flagged);
        Assert.Contains("object-origin", flaggedOut, StringComparison.Ordinal);
        (int shown, string evidence, _) = await RunAsync("audit", "evidence", "us-cert");
        Assert.Equal(0, shown);
        Assert.Contains("\"name\":\"third\"", evidence, StringComparison.Ordinal);

        Assert.Equal(1, (await RunAsync("sync", "us-cert")).Exit);
        Assert.Equal(0, (await RunAsync("audit", "clear", "us-cert")).Exit);
        Assert.Equal(0, (await RunAsync("audit", "status")).Exit);
        Assert.Equal(0, (await RunAsync("partner", "remove", "us-cert")).Exit);
        Assert.False(Directory.Exists(Path.Combine(_folder, "partners", "us-cert")));
    }

    [Fact]
    public async Task Sync_outside_the_node_cosigns_the_checkpoint_of_a_witnessed_log_like_the_scheduled_sync()
    {
        (ApiToken issued, string token) = NodeTokens.Create("un-wg", TokenRole.Partner, _clock.GetUtcNow(), null);
        Assert.True(await _partnerStore.AddTokenAsync(issued, Ct));
        Assert.True(await _partnerStore.GrantAsync(_partnerCollection, "un-wg", CollectionAccess.Read, Ct));
        NoteVerifierKey partnerLogKey = new NoteSigner(Origin, _partnerKey).VerifierKey;
        await PublishAsync(3, "first");

        // This node has run once: a node key and a log origin, hence a witness key.
        (StixSigningKey nodeKey, _) = NodeDataFolder.Open(_folder).LoadOrCreateKey();
        using StixSigningKey disposeKey = nodeKey;
        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            await store.SetLogOriginAsync("un-wg.example/log", Ct);
        }

        NoteVerifierKey witnessKey = new Cosigner(NodeWitness.DefaultName("un-wg.example/log"), nodeKey).VerifierKey;
        Assert.Equal(witnessKey.ToString(), (await RunAsync("witness", "key")).Out.Trim());
        Assert.Equal(0, (await RunAsync("partner", "add", "us-cert", "--identity", _partnerSigning.IdentityId,
            "--key", Convert.ToHexString(_partnerKey.VerificationKey.RawPublicKey.Span), "--url", _partnerUrl.AbsoluteUri, "--token", token,
            "--log-key", partnerLogKey.ToString())).Exit);
        Assert.Equal(0, (await RunAsync("partner", "subscribe", "us-cert", _partnerCollection.ToString("D"), "--into", "default")).Exit);

        // Not witnessed yet: the sync cosigns nothing and says nothing of it.
        (int plain, string plainOut, string plainErr) = await RunAsync("sync");
        Assert.True(plain == 0, plainOut + plainErr);
        Assert.DoesNotContain("cosign", plainOut, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("witness", "add", partnerLogKey.ToString())).Exit);
        await PublishAsync(2, "second");
        (int synced, string syncOut, string syncErr) = await RunAsync("sync");
        Assert.True(synced == 0, syncOut + syncErr);
        Assert.Contains("us-cert: cosigned its checkpoint of size 5 as witness un-wg.example/witness", syncOut, StringComparison.Ordinal);
        await AssertCosignedAsync(5, partnerLogKey, witnessKey);

        // The next sync proves consistency from the size cosigned before and cosigns the larger checkpoint.
        await PublishAsync(4, "third");
        (synced, syncOut, syncErr) = await RunAsync("sync", "us-cert");
        Assert.True(synced == 0, syncOut + syncErr);
        Assert.Contains("us-cert: cosigned its checkpoint of size 9 as witness un-wg.example/witness", syncOut, StringComparison.Ordinal);
        await AssertCosignedAsync(9, partnerLogKey, witnessKey);
    }

    /// <summary>The store's record of the witnessed log: the size cosigned, and a cosignature that verifies with the witness key.</summary>
    private async Task AssertCosignedAsync(long size, NoteVerifierKey logKey, NoteVerifierKey witnessKey)
    {
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct);
        WitnessedLogRecord witnessed = (await store.GetWitnessedLogAsync(Origin, Ct))!;
        Assert.Equal(size, witnessed.Size);
        SignedNote cosigned = SignedNote.Parse([.. witnessed.Checkpoint!.Value.Span, .. Encoding.UTF8.GetBytes(witnessed.Cosignature! + "\n")]);
        Assert.True(cosigned.Verify([logKey, witnessKey]).IsValid);
        Assert.Contains(cosigned.Signatures, s => s.KeyName == witnessKey.Name);
    }
}
