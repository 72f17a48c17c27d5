using System.Runtime.Versioning;
using Detente.Testing;

namespace Detente.Node.Tests;

/// <summary>The data folder and the files in it that must stay private.</summary>
public sealed class NodeDataFolderTests : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "detente-data-" + Guid.NewGuid().ToString("N"));

    public NodeDataFolderTests() => Directory.CreateDirectory(_parent);

    public void Dispose() => Directory.Delete(_parent, true);

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_folder_is_created_private_and_the_key_file_is_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        string path = Path.Combine(_parent, "node");
        NodeDataFolder folder = NodeDataFolder.Open(path);
        Assert.True(folder.Created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        (Stix.Signatures.StixSigningKey key, bool created) = folder.LoadOrCreateKey();
        using (key)
        {
            Assert.True(created);
            Assert.False(key.IsExportable);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(path, NodeDataFolder.KeyFileName)));
            (Stix.Signatures.StixSigningKey again, bool createdAgain) = NodeDataFolder.Open(path).LoadOrCreateKey();
            using (again)
            {
                Assert.False(createdAgain);
                Assert.Equal(key.KeyId, again.KeyId);
            }
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_folder_others_may_read_is_refused()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        string path = Path.Combine(_parent, "open");
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        NodeConfigurationException e = Assert.Throws<NodeConfigurationException>(() => NodeDataFolder.Open(path));
        Assert.Contains("chmod 700", e.Message, StringComparison.Ordinal);
        Assert.Contains("755", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_key_file_others_may_read_is_refused()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        NodeDataFolder folder = NodeDataFolder.Open(Path.Combine(_parent, "node"));
        folder.LoadOrCreateKey().Key.Dispose();
        string keyFile = Path.Combine(folder.Path, NodeDataFolder.KeyFileName);
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        NodeConfigurationException e = Assert.Throws<NodeConfigurationException>(() => folder.LoadOrCreateKey());
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("AAAA")]
    public void A_key_file_that_holds_no_seed_is_refused(string content)
    {
        NodeDataFolder folder = NodeDataFolder.Open(Path.Combine(_parent, "node"));
        string keyFile = Path.Combine(folder.Path, NodeDataFolder.KeyFileName);
        File.WriteAllText(keyFile, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Assert.Throws<NodeConfigurationException>(() => folder.LoadOrCreateKey());
        Assert.Equal(content, File.ReadAllText(keyFile));
    }

    [Fact]
    public void A_self_signed_certificate_is_made_once_and_kept()
    {
        NodeDataFolder folder = NodeDataFolder.Open(Path.Combine(_parent, "node"));
        var clock = new ManualTimeProvider();
        (System.Security.Cryptography.X509Certificates.X509Certificate2 first, bool created) =
            folder.LoadOrCreateTlsCertificate(null, null, ["taxii.example.org", "0.0.0.0"], clock);
        using (first)
        {
            Assert.True(created);
            Assert.True(first.HasPrivateKey);
            Assert.Equal(clock.GetUtcNow().AddYears(1).UtcDateTime, first.NotAfter.ToUniversalTime());
            string fingerprint = NodeDataFolder.Fingerprint(first);
            Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", fingerprint);
            Assert.Contains("taxii.example.org", first.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, false) + " "
                + string.Join(' ', first.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>()
                    .SelectMany(e => e.EnumerateDnsNames())), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder.Path, NodeDataFolder.TlsKeyFileName)));
            }

            (System.Security.Cryptography.X509Certificates.X509Certificate2 second, bool createdAgain) =
                folder.LoadOrCreateTlsCertificate(null, null, [], clock);
            using (second)
            {
                Assert.False(createdAgain);
                Assert.Equal(fingerprint, NodeDataFolder.Fingerprint(second));
            }
        }
    }

    [Fact]
    public void Only_one_of_certificate_and_key_is_refused()
    {
        NodeDataFolder folder = NodeDataFolder.Open(Path.Combine(_parent, "node"));
        Assert.Throws<NodeConfigurationException>(() => folder.LoadOrCreateTlsCertificate("cert.pem", null, [], new ManualTimeProvider()));
        Assert.Throws<NodeConfigurationException>(() => folder.LoadOrCreateTlsCertificate("missing.pem", "missing.key", [], new ManualTimeProvider()));
    }
}
