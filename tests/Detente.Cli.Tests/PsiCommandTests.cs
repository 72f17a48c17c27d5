namespace Detente.Cli.Tests;

public sealed class PsiCommandTests
{
    private static readonly string s_hash = "ab" + new string('0', 60) + "cd";

    private static readonly string A = "# initiator\nipv4-addr:198.51.100.3\ndomain-name:Example.COM\nfile:sha256:" + s_hash.ToUpperInvariant() + "\n"
        + "domain-name:only-a.example\n";

    private static readonly string B = "domain-name:example.com.\nipv4-addr:198.51.100.3\nfile:SHA-256:" + s_hash + "\n"
        + "ipv4-addr:203.0.113.9\nurl:http://only-b.example/\n";

    [Fact]
    public async Task Local_prints_the_common_elements_and_a_summary()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "psi", "local", CliRunner.TempFile(A), CliRunner.TempFile(B));
        Assert.Equal(0, exit);
        Assert.Equal(
            ["domain-name:example.com", "file:SHA-256:" + s_hash, "ipv4-addr:198.51.100.3"],
            output.TrimEnd('\n').Split('\n').Order(StringComparer.Ordinal));
        Assert.Contains("psi: intersection 3 of A 4 and B 5", error, StringComparison.Ordinal);
        // A sends 4 blinded elements (32 bytes) in one chunk; B answers with 4 evaluated elements and 5 tags (16 bytes), a chunk each.
        Assert.Contains("psi: bytes A->B 160, B->A 272", error, StringComparison.Ordinal);
        Assert.Contains("psi: ms prepare ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cardinality_prints_only_the_count()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "psi", "local", CliRunner.TempFile(A), CliRunner.TempFile(B), "--cardinality");
        Assert.Equal(0, exit);
        Assert.Equal("3\n", output);
        Assert.Contains("psi: cardinality 3 of A 4 and B 5", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compressed_set_and_padding_give_the_same_answer()
    {
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "psi", "local", CliRunner.TempFile(A), CliRunner.TempFile(B),
            "--filter-bits", "20", "--pad", "64");
        Assert.Equal(0, exit);
        Assert.Equal(3, output.TrimEnd('\n').Split('\n').Length);
        Assert.Contains("of A 64 and B 64 (compressed set, false-positive rate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_element_is_reported_with_its_file_and_line()
    {
        string bad = CliRunner.TempFile("domain-name:a.example\nipv4-addr:1.2.3\n");
        (int exit, string output, string error) = await CliRunner.RunAsync(null, "psi", "local", bad, CliRunner.TempFile(B));
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal($"detente: {bad}: line 2: '1.2.3' is not a dotted-decimal IPv4 address\n", error);
    }

    [Fact]
    public async Task Nonsense_options_and_missing_files_are_refused()
    {
        string a = CliRunner.TempFile(A);
        Assert.Equal(2, (await CliRunner.RunAsync(null, "psi", "local", a, a, "--filter-bits", "40")).Exit);
        (int exit, _, string error) = await CliRunner.RunAsync(null, "psi", "local", a, "/nonexistent/b.txt");
        Assert.Equal(2, exit);
        Assert.Contains("cannot open '/nonexistent/b.txt'", error, StringComparison.Ordinal);
    }
}
