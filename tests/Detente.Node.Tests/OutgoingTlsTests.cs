using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Detente.Ledger.Notes;
using Detente.Node.Sync;
using Detente.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// The node's outgoing calls over real TLS on 127.0.0.1 (<see cref="OutgoingHttp"/>): a partner and a witness served with a
/// self-signed certificate made in the test are reached when their certificate is trusted (<c>--ca-cert</c>) and refused
/// with a clear error when it is not; a client certificate authenticates as the principal the partner mapped it to.
/// </summary>
public sealed class OutgoingTlsTests : IDisposable
{
    private readonly X509Certificate2 _server = Pfx(SelfSignedCertificate.Create(["127.0.0.1"], DateTimeOffset.UtcNow));
    private readonly X509Certificate2 _client = Pfx(SelfSignedClient("CN=reader node"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The server certificate as an operator has it: the public certificate only (its PEM file).</summary>
    private X509Certificate2 TrustedServer => X509Certificate2.CreateFromPem(_server.ExportCertificatePem());

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
    }

    private NodeTls Tls(string clientCertificates = "") =>
        new() { ServerCertificate = _server, ClientCertificates = ClientCertificateMap.Parse(clientCertificates) };

    [Fact]
    public async Task A_partner_with_a_self_signed_certificate_syncs_once_it_is_trusted_and_fails_clearly_before()
    {
        await using FedNode source = await FedNode.StartAsync("src", tls: Tls());
        await using FedNode reader = await FedNode.StartAsync("rdr");
        Assert.Equal(Uri.UriSchemeHttps, source.Server.Scheme);
        await source.PostIndicatorsAsync(3);
        PartnerConnection systemTrust = await source.IssueConnectionAsync("rdr");
        await reader.AddPartnerAsync(source, systemTrust);

        // The system's roots do not know the certificate: the sync fails at once (no retry), says why and what to do, and keeps nothing.
        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => reader.Sync.SyncAsync("src", null, Ct));
        string said = OutgoingHttp.Describe(refused);
        Assert.Contains("TLS connection failed", said, StringComparison.Ordinal);
        Assert.Contains("--ca-cert", said, StringComparison.Ordinal);
        Assert.DoesNotContain(reader.Log.Entries, e => e.EventId == 8104);
        Assert.Empty(await reader.ReadAllAsync());

        reader.Connections["src"] = systemTrust with { TrustedCertificate = TrustedServer };
        SyncReport report = await reader.Sync.SyncAsync("src", null, Ct);
        Assert.True(report.IsClean, report.Alarm);
        Assert.Equal(3, report.ObjectsNew);
        Assert.Equal(3, (await reader.ReadAllAsync()).Count);
    }

    [Fact]
    public async Task Another_certificate_than_the_trusted_one_is_refused()
    {
        using X509Certificate2 other = SelfSignedCertificate.Create(["127.0.0.1"], DateTimeOffset.UtcNow);
        await using FedNode source = await FedNode.StartAsync("src", tls: Tls());
        await using FedNode reader = await FedNode.StartAsync("rdr");
        PartnerConnection connection = await source.IssueConnectionAsync("rdr");
        await reader.AddPartnerAsync(source, connection with { TrustedCertificate = X509Certificate2.CreateFromPem(other.ExportCertificatePem()) });

        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => reader.Sync.SyncAsync("src", null, Ct));
        Assert.Contains("--ca-cert", OutgoingHttp.Describe(refused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_authenticates_as_the_partner_principal_it_is_mapped_to()
    {
        await using FedNode source = await FedNode.StartAsync("src", tls: Tls(ClientCertificateMap.Thumbprint(_client) + " rdr partner\n"));
        await using FedNode reader = await FedNode.StartAsync("rdr");
        await source.PostIndicatorsAsync(2);
        Assert.True(await source.Store.GrantAsync(source.CollectionId, "rdr", CollectionAccess.Read, Ct));
        // No token: the client certificate alone authenticates the reader node.
        await reader.AddPartnerAsync(source, new PartnerConnection { Url = source.Server, TrustedCertificate = TrustedServer, ClientCertificate = _client });

        SyncReport report = await reader.Sync.SyncAsync("src", null, Ct);
        Assert.True(report.IsClean, report.Alarm);
        Assert.Equal(2, (await reader.ReadAllAsync()).Count);
        await source.Log.WaitForAsync(e => e.EventId == 8040 && e.Message.StartsWith("Access rdr GET", StringComparison.Ordinal));

        // Without the certificate the partner does not know the reader.
        reader.Connections["src"] = new PartnerConnection { Url = source.Server, TrustedCertificate = TrustedServer };
        await Assert.ThrowsAnyAsync<Exception>(() => reader.Sync.SyncAsync("src", null, Ct));
    }

    [Fact]
    public async Task A_witness_with_a_self_signed_certificate_cosigns_once_it_is_trusted_and_the_failure_before_says_why()
    {
        await using FedNode log = await FedNode.StartAsync("log");
        await using FedNode witness = await FedNode.StartAsync("wit", tls: Tls());
        NoteVerifierKey witnessKey = witness.App.Services.GetRequiredService<NodeWitness>().VerifierKey;
        Assert.True(await witness.Store.AddWitnessedLogAsync(log.Origin, log.VerifierKey.ToString(), Ct));
        PartnerConnection issued = await witness.IssueConnectionAsync("log");
        Assert.True(await log.Store.AddLogWitnessAsync(new LogWitnessRecord
        {
            Name = witnessKey.Name,
            VerifierKey = witnessKey.ToString(),
            Url = new Uri(witness.Server, "log/witness"),
        }, Ct));
        log.WitnessConnections[witnessKey.Name] = new LogWitnessConnection { Token = issued.Token };
        await log.PostIndicatorsAsync(4);
        LogSequencerService sequencer = log.App.Services.GetRequiredService<LogSequencerService>();
        await SealUpToAsync(sequencer, 4);

        await sequencer.Cosigning!.PassAsync(Ct);
        var failed = await log.Log.WaitForAsync(e => e.EventId == 8112);
        Assert.Contains("TLS connection failed", failed[0].Message, StringComparison.Ordinal);
        Assert.Contains("--ca-cert", failed[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Token!, string.Join("\n", log.Log.Entries.Select(e => e.Message)), StringComparison.Ordinal);
        Assert.Null(Assert.Single(await log.Store.ListLogWitnessesAsync(Ct)).Cosignature);

        log.WitnessConnections[witnessKey.Name] = new LogWitnessConnection
        {
            Token = issued.Token,
            Http = new OutgoingHttp { TrustedCertificate = TrustedServer, RequestTimeout = TimeSpan.FromSeconds(30) },
        };
        // Past the backoff of the failure.
        log.Clock.Advance(TimeSpan.FromMinutes(10));
        await sequencer.Cosigning.PassAsync(Ct);
        LogWitnessRecord cosigned = Assert.Single(await log.Store.ListLogWitnessesAsync(Ct));
        Assert.Equal(4, cosigned.CosignedSize);
        SignedNote served = SignedNote.Parse(await log.CheckpointAsync());
        Assert.True(served.Verify([log.VerifierKey, witnessKey]).IsValid);
        Assert.Equal(4, (await witness.Store.GetWitnessedLogAsync(log.Origin, Ct))!.Size);
    }

    /// <summary>Seals until the node's log covers <paramref name="size"/> entries (the running sequencer may seal some itself).</summary>
    internal static async Task SealUpToAsync(LogSequencerService sequencer, long size)
    {
        for (int i = 0; i < 10 && sequencer.Log!.Size < size; i++)
        {
            await sequencer.Log.SealAsync(Ct);
        }

        Assert.Equal(size, sequencer.Log!.Size);
    }

    private static X509Certificate2 SelfSignedClient(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        // Valid on the nodes' test clock (2026-01-01) as well as on the machine's, which the TLS handshake uses.
        return request.CreateSelfSigned(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A PFX round trip gives a key SslStream can use on every platform.</summary>
    private static X509Certificate2 Pfx(X509Certificate2 created)
    {
        using (created)
        {
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        }
    }
}
