using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;

namespace Detente.Ledger.Tests;

public sealed class CheckpointTests
{
    // C2SP tlog-checkpoint v1.0.0, the example's note text.
    private const string SpecText = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    [Fact]
    public void The_spec_example_parses_and_prints_back()
    {
        Checkpoint checkpoint = Checkpoint.ParseText(SpecText);
        Assert.Equal("example.com/behind-the-sofa", checkpoint.Origin);
        Assert.Equal(20852163, checkpoint.Size);
        Assert.Equal("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", checkpoint.RootHash.ToBase64());
        Assert.Empty(checkpoint.Extensions);
        Assert.Equal(SpecText, checkpoint.ToText());

        // The spec's signed example parses as a note (its key is not published, so it cannot be verified).
        const string signed = SpecText + "\n\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
        Assert.Equal(checkpoint, Checkpoint.FromNote(SignedNote.Parse(Encoding.UTF8.GetBytes(signed))));
    }

    [Fact]
    public void Extension_lines_are_kept()
    {
        Checkpoint checkpoint = Checkpoint.ParseText(SpecText + "ext one\next two\n");
        Assert.Equal(["ext one", "ext two"], checkpoint.Extensions);
        Assert.Equal(SpecText + "ext one\next two\n", checkpoint.ToText());
    }

    [Theory]
    [InlineData("example.com/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")] // no final newline
    [InlineData("example.com/log\n20852163\n")] // two lines
    [InlineData("\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // empty origin
    [InlineData("example.com/log\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // leading zero
    [InlineData("example.com/log\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n 1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n")] // no padding
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n")] // non-zero pad bits
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=AAAA\n")] // 35 bytes
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n")] // empty extension line
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\tline\n")]
    public void Malformed_checkpoint_texts_are_refused(string text) => Assert.Throws<LedgerFormatException>(() => Checkpoint.ParseText(text));

    [Fact]
    public void The_empty_log_has_size_zero_and_the_empty_root()
    {
        Checkpoint checkpoint = Checkpoint.ParseText("log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
        Assert.Equal(0, checkpoint.Size);
        Assert.Equal(MerkleHasher.EmptyRoot, checkpoint.RootHash);
    }

    [Fact]
    public void Any_single_bit_change_to_a_signed_checkpoint_is_refused_or_fails_verification()
    {
        using var log = new TestLog();
        SignedNote signed = log.Signer.SignNote(new Checkpoint(TestLog.Origin, 12345, MerkleHasher.HashLeaf("x"u8)).ToText());
        byte[] bytes = signed.ToBytes();
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] changed = (byte[])bytes.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            try
            {
                SignedNote note = SignedNote.Parse(changed);
                Assert.False(note.Verify([log.Signer.VerifierKey]).IsValid, $"bit {bit}");
            }
            catch (LedgerFormatException)
            {
            }
        }
    }
}
