using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Detente.Ledger.Notes;
using Detente.Node;
using Detente.Stix;
using Detente.Stix.Signatures;
using Detente.Storage;
using Detente.Testing;
using Microsoft.AspNetCore.Builder;

namespace Detente.Cli.Tests;

/// <summary><c>detente witness …</c>, <c>detente log witness …</c>, and the log commands' cosigners, freshness and older proofs, on data folders.</summary>
public sealed class WitnessCommandTests : IAsyncLifetime
{
    private const string Origin = "log.example.org/log";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "detente-witness-cli-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private Guid _collection;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        NodeDataFolder.Open(_folder);
        await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct);
        _collection = (await NodeBootstrap.EnsureAsync(store, _clock, Ct)).DefaultCollectionId!.Value;
        await store.SetLogOriginAsync(Origin, Ct);
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
        int exit = await new DetenteCli(new MemoryStream(), output, error, _clock).RunAsync(args, Ct);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Adds indicators, then starts and stops the node once, which seals them into a checkpoint.</summary>
    private async Task<List<string>> AddAndSealAsync(int count)
    {
        (StixSigningKey key, _) = NodeDataFolder.Open(_folder).LoadOrCreateKey();
        using (key)
        {
            await using IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct);
            var ids = new List<string>();
            var reader = new StixReader();
            for (int i = 0; i < count; i++)
            {
                string id = "indicator--" + Guid.NewGuid().ToString("D");
                byte[] json = Encoding.UTF8.GetBytes($$"""{"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}""");
                await store.AddObjectsAsync(_collection, [ObjectToAdd.From(reader.ReadObject(json), json)], Ct);
                ids.Add(id);
            }

            WebApplication app = DetenteNode.Build(store, new NodeOptions { Log = new NodeLogOptions { Key = key, Origin = Origin } }, ["http://127.0.0.1:0"],
                _clock, static _ => { });
            await using (app)
            {
                await app.StartAsync(Ct);
                await app.StopAsync(Ct);
            }

            return ids;
        }
    }

    [Fact]
    public async Task Log_verify_on_a_data_folder_whose_stored_tile_was_changed_fails_at_the_first_discrepancy()
    {
        _ = await AddAndSealAsync(300); // one full level-0 tile and a partial one
        (int exit, string output, string error) = await RunAsync("log", "verify", "--data", _folder);
        Assert.True(exit == 0, output + error);

        // One bit of the full tile tile/0/000 flipped in the node's SQLite file, as damage or a rewrite would.
        string file = Path.Combine(_folder, Detente.Storage.Sqlite.SqliteStore.FileName);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            using Microsoft.Data.Sqlite.SqliteCommand read = connection.CreateCommand();
            read.CommandText = "SELECT data FROM log_tiles WHERE level = 0 AND tile_index = 0 AND width = 256";
            byte[] tile = (byte[])(await read.ExecuteScalarAsync(Ct))!;
            tile[100] ^= 0x08;
            using Microsoft.Data.Sqlite.SqliteCommand write = connection.CreateCommand();
            write.CommandText = "UPDATE log_tiles SET data = @d WHERE level = 0 AND tile_index = 0 AND width = 256";
            write.Parameters.AddWithValue("@d", tile);
            Assert.Equal(1, await write.ExecuteNonQueryAsync(Ct));
        }

        (exit, output, error) = await RunAsync("log", "verify", "--data", _folder);
        Assert.Equal(1, exit);
        Assert.Contains("the log does not verify", error, StringComparison.Ordinal);
        Assert.Contains("tile/0/000", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Witness_add_list_remove_and_key_manage_the_logs_the_node_cosigns()
    {
        using StixSigningKey partnerKey = StixSigningKey.Create();
        string partner = new NoteSigner("partner.example.org/log", partnerKey).VerifierKey.ToString();
        (int exit, string output, string error) = await RunAsync("witness", "add", partner, "--data", _folder);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.StartsWith("Witnessing partner.example.org/log", output, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("witness", "add", partner, "--data", _folder)).Exit);

        // A witness key (type 0x04) or garbage is not a log key.
        using StixSigningKey other = StixSigningKey.Create();
        Assert.Equal(2, (await RunAsync("witness", "add", new Cosigner("w.example.org/witness", other).VerifierKey.ToString(), "--data", _folder)).Exit);
        Assert.Equal(2, (await RunAsync("witness", "add", "not-a-key", "--data", _folder)).Exit);

        (_, string list, _) = await RunAsync("witness", "list", "--data", _folder);
        Assert.Contains($"partner.example.org/log\t{partner}\t0\t-\t-", list, StringComparison.Ordinal);

        Assert.Equal(2, (await RunAsync("witness", "key", "--data", _folder)).Exit); // no node key yet
        NodeDataFolder.Open(_folder).LoadOrCreateKey().Key.Dispose();
        (int keyExit, string key, _) = await RunAsync("witness", "key", "--data", _folder);
        Assert.Equal(0, keyExit);
        NoteVerifierKey witnessKey = NoteVerifierKey.Parse(key.Trim());
        Assert.Equal("log.example.org/witness", witnessKey.Name);
        Assert.Equal(NoteKeyType.Cosignature, witnessKey.Type);

        Assert.Equal(0, (await RunAsync("witness", "remove", "partner.example.org/log", "--data", _folder)).Exit);
        Assert.Equal(1, (await RunAsync("witness", "remove", "partner.example.org/log", "--data", _folder)).Exit);
        Assert.DoesNotContain("partner.example.org", (await RunAsync("witness", "list", "--data", _folder)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_verify_with_witnesses_says_stalled_when_the_newest_cosignature_is_older_than_the_max_age()
    {
        await AddAndSealAsync(3);
        using StixSigningKey witnessSecret = StixSigningKey.Create();
        var cosigner = new Cosigner("w.example.org/witness", witnessSecret, _clock);
        string witnessKey = cosigner.VerifierKey.ToString();
        (int addExit, string added, _) = await RunAsync("log", "witness", "add", "--url", "https://w.example.org/log/witness", "--key", witnessKey,
            "--token", "secret-token", "--data", _folder);
        Assert.Equal(0, addExit);
        Assert.Contains("https://w.example.org/log/witness/add-checkpoint", added, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("log", "witness", "add", "--url", "https://w.example.org/", "--key", witnessKey, "--data", _folder)).Exit);
        Assert.Equal(2, (await RunAsync("log", "witness", "add", "--url", "ftp://w.example.org/", "--key", witnessKey, "--data", _folder)).Exit);

        // Without a cosignature: stalled, loudly.
        (int exit, string output, string error) = await RunAsync("log", "verify", "--data", _folder, "--witness", witnessKey, "--max-age", "1h");
        Assert.Equal(1, exit);
        Assert.Contains("STALLED", error, StringComparison.Ordinal);
        Assert.Contains("3 entries", output, StringComparison.Ordinal);

        // The witness cosigned the checkpoint (as the node stores it after verifying it) at the clock's time.
        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            SignedNote note = SignedNote.Parse((await store.LogTiles.ReadCheckpointAsync(Ct))!.Value.Span);
            NoteSignature cosignature = cosigner.Cosign(note.Text);
            Assert.True(await store.UpdateLogWitnessAsync(cosigner.Name, 3, 3, cosignature.ToString(), _clock.GetUtcNow(), Ct));
        }

        (exit, output, error) = await RunAsync("log", "verify", "--data", _folder, "--witness", witnessKey, "--max-age", "1h");
        Assert.True(exit == 0, error);
        Assert.Contains("Fresh", output, StringComparison.Ordinal);
        Assert.Contains("cosigned by w.example.org/witness", error, StringComparison.Ordinal);
        Assert.Contains("verified", error, StringComparison.Ordinal);

        (int checkpointExit, string checkpoint, string cosigners) = await RunAsync("log", "checkpoint", "--data", _folder, "--witness", witnessKey);
        Assert.Equal(0, checkpointExit);
        Assert.Equal(2, SignedNote.Parse(Encoding.UTF8.GetBytes(checkpoint)).Signatures.Count);
        Assert.Contains("at 2026-01-01T00:00:00Z: verified", cosigners, StringComparison.Ordinal);
        Assert.Contains("not checked", (await RunAsync("log", "checkpoint", "--data", _folder)).Err, StringComparison.Ordinal);

        // Two hours on, with a one-hour maximum age: stalled.
        _clock.Advance(TimeSpan.FromHours(2));
        (exit, _, error) = await RunAsync("log", "verify", "--data", _folder, "--witness", witnessKey, "--max-age", "1h");
        Assert.Equal(1, exit);
        Assert.Contains("STALLED: log.example.org/log: Stalled: the newest cosignature is 7200 s old", error, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("log", "verify", "--data", _folder, "--witness", witnessKey, "--max-age", "3h")).Exit);

        // Usage errors: a bad duration, --max-age without --witness, a log key given as a witness key.
        Assert.Equal(2, (await RunAsync("log", "verify", "--data", _folder, "--witness", witnessKey, "--max-age", "1 hour")).Exit);
        Assert.Equal(2, (await RunAsync("log", "verify", "--data", _folder, "--max-age", "1h")).Exit);
        (_, string logKey, _) = await RunAsync("log", "key", "--data", _folder);
        Assert.Equal(2, (await RunAsync("log", "verify", "--data", _folder, "--witness", logKey.Trim(), "--max-age", "1h")).Exit);

        (_, string listed, _) = await RunAsync("log", "witness", "list", "--data", _folder);
        Assert.Contains("w.example.org/witness\thttps://w.example.org/log/witness\t3\t3\t2026-01-01T00:00:00Z", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", listed, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("log", "witness", "remove", "w.example.org/witness", "--data", _folder)).Exit);
        Assert.Single(SignedNote.Parse(Encoding.UTF8.GetBytes((await RunAsync("log", "checkpoint", "--data", _folder)).Out)).Signatures);
    }

    [Fact]
    public async Task Log_proof_with_a_size_proves_against_an_older_checkpoint()
    {
        List<string> ids = await AddAndSealAsync(3);
        await AddAndSealAsync(2);
        (int exit, string output, string error) = await RunAsync("log", "proof", "--data", _folder, "--collection", "default", "--object", ids[1],
            "--size", "3");
        Assert.True(exit == 0, error);
        using (JsonDocument proof = JsonDocument.Parse(output))
        {
            Assert.Equal(3, proof.RootElement.GetProperty("tree_size").GetInt64());
            Assert.Equal(1, proof.RootElement.GetProperty("leaf_index").GetInt64());
        }

        Assert.Contains("verified: leaf 1 of 3", error, StringComparison.Ordinal);
        using (JsonDocument latest = JsonDocument.Parse((await RunAsync("log", "proof", "--data", _folder, "--collection", "default", "--object", ids[1])).Out))
        {
            Assert.Equal(5, latest.RootElement.GetProperty("tree_size").GetInt64());
        }

        Assert.Equal(1, (await RunAsync("log", "proof", "--data", _folder, "--collection", "default", "--object", ids[1], "--size", "4")).Exit);
        Assert.Equal(1, (await RunAsync("log", "proof", "--data", _folder, "--collection", "default", "--object", ids[1], "--size", "1")).Exit);
        Assert.Equal(2, (await RunAsync("log", "proof", "--data", _folder, "--collection", "default", "--object", ids[1], "--size", "0")).Exit);
    }

    [Fact]
    public async Task Log_witness_add_keeps_the_token_and_certificates_in_the_data_folder_and_remove_deletes_them()
    {
        using StixSigningKey witnessSecret = StixSigningKey.Create();
        NoteVerifierKey witnessKey = new Cosigner("w.example.org/witness", witnessSecret).VerifierKey;
        string pem = Path.Combine(_folder, "pem");
        Directory.CreateDirectory(pem);
        using X509Certificate2 ca = SelfSigned("CN=witness");
        using X509Certificate2 client = SelfSigned("CN=log node");
        File.WriteAllText(Path.Combine(pem, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(pem, "client.crt"), client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(pem, "client.key"), client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        // A client certificate without its key is refused, and the witness is not added.
        (int refused, _, string refusal) = await RunAsync("log", "witness", "add", "--url", "https://w.example.org/log/witness", "--key", witnessKey.ToString(),
            "--client-cert", Path.Combine(pem, "client.crt"), "--data", _folder);
        Assert.Equal(2, refused);
        Assert.Contains("--client-key", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("w.example.org", (await RunAsync("log", "witness", "list", "--data", _folder)).Out, StringComparison.Ordinal);

        (int exit, string output, string error) = await RunAsync("log", "witness", "add", "--url", "https://w.example.org/log/witness", "--key", witnessKey.ToString(),
            "--token", "witness-secret-token", "--ca-cert", Path.Combine(pem, "ca.crt"), "--client-cert", Path.Combine(pem, "client.crt"),
            "--client-key", Path.Combine(pem, "client.key"), "--data", _folder);
        Assert.True(exit == 0, error);
        Assert.DoesNotContain("witness-secret-token", output + error, StringComparison.Ordinal);
        Assert.Contains("Its token is kept in the data folder", output, StringComparison.Ordinal);

        var secrets = new LogWitnessSecrets(NodeDataFolder.Open(_folder));
        LogWitnessConnection connection = secrets.Load(witnessKey.Name);
        Assert.Equal("witness-secret-token", connection.Token);
        Assert.DoesNotContain("witness-secret-token", connection.ToString(), StringComparison.Ordinal);
        Assert.Equal(ca.Thumbprint, connection.Http.TrustedCertificate!.Thumbprint);
        Assert.Equal(client.Thumbprint, connection.Http.ClientCertificate!.Thumbprint);
        Assert.True(connection.Http.ClientCertificate.HasPrivateKey);
        string tokenFile = Assert.Single(Directory.GetFiles(Path.Combine(_folder, "log-witnesses"), "token", SearchOption.AllDirectories));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(tokenFile)!, "client.key")));
        }

        // The store never saw it.
        foreach (string file in Directory.GetFiles(_folder, Storage.Sqlite.SqliteStore.FileName + "*"))
        {
            Assert.DoesNotContain("witness-secret-token", Encoding.UTF8.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
        }

        Assert.Equal(0, (await RunAsync("log", "witness", "remove", witnessKey.Name, "--data", _folder)).Exit);
        Assert.False(Directory.Exists(Path.GetDirectoryName(tokenFile)));
        Assert.Null(secrets.Load(witnessKey.Name).Token);
    }

    [Fact]
    public async Task A_witness_token_an_older_store_kept_moves_to_the_data_folder_and_leaves_the_store()
    {
        // A store from before migration 11: the witness's token in log_witnesses.
        await SqliteRewind.ToSchema10WithWitnessTokenAsync(Path.Combine(_folder, Storage.Sqlite.SqliteStore.FileName), "old.example/witness",
            "old.example/witness+00000000+BA", "https://old.example/log/witness", "old-witness-token", Ct);

        var secrets = new LogWitnessSecrets(NodeDataFolder.Open(_folder));
        await using (IStore store = await NodeAdmin.OpenStoreAsync(_folder, null, _clock, cancellationToken: Ct))
        {
            Assert.Equal(1, await secrets.MoveFromStoreAsync(store, Ct));
            Assert.Empty(await store.ListLogWitnessTokensToMoveAsync(Ct));
            Assert.Equal(0, await secrets.MoveFromStoreAsync(store, Ct));
            Assert.Equal("old.example/witness", Assert.Single(await store.ListLogWitnessesAsync(Ct)).Name);
        }

        Assert.Equal("old-witness-token", secrets.Load("old.example/witness").Token);
        Assert.True(secrets.HasToken("old.example/witness"));
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
