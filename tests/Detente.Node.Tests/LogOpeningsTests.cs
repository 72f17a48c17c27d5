using System.Text;
using CsCheck;
using Detente.Testing;

namespace Detente.Node.Tests;

/// <summary>The openings document: what <see cref="LogOpenings.ToJson"/> writes reads back the same, a redacted version's mark
/// carries nothing that opens a commitment, and any bytes are read or refused without an exception.</summary>
public sealed class LogOpeningsTests
{
    private static readonly Gen<LogOpening> s_opening = Gen.Select(
        Gen.Guid.Select(g => "indicator--" + g.ToString("D")),
        Gen.Int[0, 59].Select(s => $"2025-01-01T00:00:{s:D2}.000Z"),
        Gen.Bool,
        Gen.Long[0, 1L << 40],
        Gen.Byte.Array[0, 32],
        (id, version, redacted, leaf, salt) => redacted ? LogOpening.Redacted(id, version) : new LogOpening(id, version, leaf, salt));

    private static string Describe(LogOpening o) =>
        $"{o.ObjectId} {o.Version} {o.IsRedacted} {o.LeafIndex} {Convert.ToBase64String(o.Salt.Span)}";

    [Fact]
    public void Written_openings_read_back_the_same_and_a_redacted_mark_has_no_leaf_index_or_salt()
    {
        Gen<LogOpenings> gen = Gen.Select(Gen.Long[0, 1L << 41], Gen.String["abc\n +/="], s_opening.Array[0, 12],
            (size, checkpoint, items) => new LogOpenings(size, checkpoint, items));
        Property.ForAll(gen, openings =>
        {
            byte[] json = openings.ToJson();
            Assert.True(LogOpenings.TryParse(json, out LogOpenings? read, out string? problem), problem);
            Assert.Equal(openings.TreeSize, read.TreeSize);
            Assert.Equal(openings.Checkpoint, read.Checkpoint);
            Assert.Equal(openings.Openings.Select(Describe), read.Openings.Select(Describe));
            Assert.Equal(json, read.ToJson());
            string text = Encoding.UTF8.GetString(json);
            foreach (LogOpening redacted in openings.Openings.Where(o => o.IsRedacted))
            {
                Assert.Contains($$"""{"object_id":"{{redacted.ObjectId}}","version":"{{redacted.Version}}","redacted":true}""", text, StringComparison.Ordinal);
            }
        });
    }

    [Theory]
    [InlineData("""{"tree_size":1,"checkpoint":"","openings":[{"object_id":"a","version":"v","redacted":true,"salt":""}]}""")]
    [InlineData("""{"tree_size":1,"checkpoint":"","openings":[{"object_id":"a","version":"v","redacted":true,"leaf_index":0}]}""")]
    [InlineData("""{"tree_size":1,"checkpoint":"","openings":[{"object_id":"a","version":"v","redacted":false}]}""")]
    [InlineData("""{"tree_size":1,"checkpoint":"","openings":[{"object_id":"a","version":"v","redacted":"yes"}]}""")]
    [InlineData("""{"tree_size":1,"checkpoint":"","openings":[{"object_id":"a","version":"v","leaf_index":-1,"salt":""}]}""")]
    [InlineData("""{"tree_size":1,"checkpoint":"","openings":[{"version":"v","redacted":true}]}""")]
    public void A_malformed_redacted_mark_is_refused(string json)
    {
        Assert.False(LogOpenings.TryParse(Encoding.UTF8.GetBytes(json), out _, out string? problem));
        Assert.StartsWith("not log openings", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_bytes_are_read_or_refused_and_nothing_else()
    {
        byte[] sample = new LogOpenings(3, "note", [LogOpening.Redacted("indicator--1", "2025-01-01T00:00:01.000Z"),
            new LogOpening("indicator--2", "2025-01-01T00:00:02.000Z", 2, new byte[] { 1, 2, 3 })]).ToJson();
        Gen<byte[]> gen = Gen.OneOf(
            Gen.Byte.Array[0, 64],
            Gen.Select(Gen.Int[0, sample.Length - 1], Gen.Byte, (at, b) =>
            {
                byte[] copy = [.. sample];
                copy[at] = b;
                return copy;
            }),
            Gen.Int[0, sample.Length].Select(n => sample[..n]));
        Property.ForAll(gen, bytes =>
        {
            if (LogOpenings.TryParse(bytes, out LogOpenings? read, out _))
            {
                Assert.All(read.Openings, o => Assert.True(o.IsRedacted ? o.Salt.IsEmpty && o.LeafIndex == -1 : o.LeafIndex >= 0));
                Assert.True(LogOpenings.TryParse(read.ToJson(), out _, out _));
            }
        }, iterations: 1000);
    }
}
