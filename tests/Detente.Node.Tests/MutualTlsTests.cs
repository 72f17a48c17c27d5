using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Detente.Storage;
using Detente.Taxii;

namespace Detente.Node.Tests;

/// <summary>TLS and mutual TLS over real connections on 127.0.0.1, with a CA and certificates made in the test.</summary>
public sealed class MutualTlsTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _server;
    private readonly X509Certificate2 _partner;
    private readonly X509Certificate2 _stranger;
    private readonly X509Certificate2 _expired;

    public MutualTlsTests()
    {
        _ca = CreateCa();
        _server = Issue(_ca, "CN=node", server: true, s_now.AddDays(-1), s_now.AddYears(1));
        _partner = Issue(_ca, "CN=partner-a", server: false, s_now.AddDays(-1), s_now.AddYears(1));
        _stranger = Issue(_ca, "CN=stranger", server: false, s_now.AddDays(-1), s_now.AddYears(1));
        _expired = Issue(_ca, "CN=partner-b", server: false, s_now.AddYears(-2), s_now.AddYears(-1));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _server.Dispose();
        _partner.Dispose();
        _stranger.Dispose();
        _expired.Dispose();
    }

    private Task<OpsNode> StartAsync() => OpsNode.StartAsync(o => o with
    {
        Tls = new NodeTls
        {
            ServerCertificate = _server,
            ClientCertificates = ClientCertificateMap.Parse(
                ClientCertificateMap.Thumbprint(_partner) + " partner-a partner\n" + ClientCertificateMap.Thumbprint(_expired) + " partner-b reader\n"),
        },
    }, "https://127.0.0.1:0");

    private HttpClient Client(X509Certificate2? clientCertificate)
    {
        var handler = new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            // The test pins the node's certificate, as an operator pins a self-signed one by its fingerprint.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.RawData.AsSpan().SequenceEqual(_server.RawData),
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificates.Add(clientCertificate);
        }

        return new HttpClient(handler);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, Uri url, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", TaxiiMediaTypes.Taxii21);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_mapped_client_certificate_authenticates_its_principal()
    {
        await using OpsNode node = await StartAsync();
        Assert.Equal(Uri.UriSchemeHttps, node.Server.Scheme);
        Assert.True(await node.Store.GrantAsync(node.CollectionId, "partner-a", CollectionAccess.Read, TestContext.Current.CancellationToken));
        using HttpClient http = Client(_partner);
        using HttpResponseMessage response = await GetAsync(http, new Uri(node.Server, "/taxii2/default/collections/"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        TaxiiCollections collections = new TaxiiReader().ReadCollections(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        TaxiiCollection only = Assert.Single(collections.Collections);
        Assert.True(only.CanRead);
        Assert.False(only.CanWrite);
        // The access log line is written after the response has gone out: wait for it.
        await node.Log.WaitForAsync(e => e.EventId == 8040 && e.Message.StartsWith("Access partner-a GET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unmapped_or_expired_certificate_or_none_is_a_401()
    {
        await using OpsNode node = await StartAsync();
        foreach (X509Certificate2? certificate in new[] { _stranger, _expired, null })
        {
            using HttpClient http = Client(certificate);
            using HttpResponseMessage response = await GetAsync(http, new Uri(node.Server, "/taxii2/"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Contains(node.Log.Entries, e => e.EventId == 8043 && e.Message.Contains(ClientCertificateMap.Thumbprint(_stranger), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_takes_precedence_over_the_certificate()
    {
        await using OpsNode node = await StartAsync();
        using HttpClient http = Client(_partner);
        using HttpResponseMessage withAdmin = await GetAsync(http, new Uri(node.Server, "/taxii2/"), node.AdminToken);
        Assert.Equal(HttpStatusCode.OK, withAdmin.StatusCode);
        using HttpResponseMessage withBadToken = await GetAsync(http, new Uri(node.Server, "/taxii2/"), "dtn_bad");
        Assert.Equal(HttpStatusCode.Unauthorized, withBadToken.StatusCode);
    }

    [Fact]
    public async Task The_node_serves_its_own_certificate()
    {
        await using OpsNode node = await StartAsync();
        byte[]? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate?.RawData;
                return true;
            },
        };
        using var http = new HttpClient(handler);
        using HttpResponseMessage health = await http.GetAsync(new Uri(node.Server, "/healthz"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(_server.RawData, seen);
    }

    private static X509Certificate2 CreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(s_now.AddYears(-5), s_now.AddYears(5));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool server, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = request.Create(ca, notBefore, notAfter, serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        // A PFX round trip gives a key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
