using CsCheck;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix.Signatures;
using Detente.Testing;

namespace Detente.Node.Tests;

/// <summary><see cref="LogConsistency"/>: every proof between two checkpoints verifies, round-trips through JSON, and any single-bit
/// change is refused; its parser never throws on mutated input.</summary>
public sealed class LogConsistencyTests
{
    private const string Origin = "consistency.example.org/log";

    private static readonly StixSigningKey s_key = StixSigningKey.ImportSeed(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    private static NoteVerifierKey Verifier => new NoteSigner(Origin, s_key).VerifierKey;

    /// <summary>A log of about 700 entries sealed in batches of 1–20 (a seeded split): its tiles and every checkpoint.</summary>
    private static async Task<(MemoryTileStore Tiles, List<(long Size, string Note)> Checkpoints)> BuildAsync()
    {
        var sequencer = new Sequencer(Origin, new NoteSigner(Origin, s_key));
        var tiles = new MemoryTileStore();
        var checkpoints = new List<(long Size, string Note)> { (0, Encoding.UTF8.GetString(sequencer.SignCheckpoint(LogEdge.Empty).ToBytes())) };
        var random = new Random(20261124);
        LogEdge edge = LogEdge.Empty;
        while (edge.Size < 700)
        {
            int count = 1 + random.Next(20);
            ReadOnlyMemory<byte>[] entries = [.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"entry {edge.Size + i}"))];
            SequencedBatch batch = sequencer.Append(edge, entries);
            Assert.True(await tiles.TryCommitAsync(batch.ToCommit(), TestContext.Current.CancellationToken));
            edge = batch.Edge;
            checkpoints.Add((edge.Size, Encoding.UTF8.GetString(batch.Checkpoint.ToBytes())));
        }

        return (tiles, checkpoints);
    }

    private static async Task<LogConsistency> ProofAsync(MemoryTileStore tiles, (long Size, string Note) older, (long Size, string Note) newer) =>
        new(older.Size, newer.Size, older.Size == 0 || older.Size == newer.Size ? []
            : await MerkleProof.ConsistencyAsync(new TileHashReader(tiles, newer.Size), older.Size, newer.Size, TestContext.Current.CancellationToken),
            older.Note, newer.Note);

    private static bool SameAs(LogConsistency a, LogConsistency b) =>
        a.OldSize == b.OldSize && a.NewSize == b.NewSize && a.Proof.SequenceEqual(b.Proof)
        && a.OldCheckpoint == b.OldCheckpoint && a.NewCheckpoint == b.NewCheckpoint;

    [Fact]
    public async Task Every_proof_between_two_checkpoints_verifies_and_any_single_bit_change_is_refused()
    {
        (MemoryTileStore tiles, List<(long Size, string Note)> checkpoints) = await BuildAsync();
        var cases = Gen.Select(Gen.Int[0, checkpoints.Count - 1], Gen.Int[0, checkpoints.Count - 1], Gen.Int[0, int.MaxValue]);
        await Property.ForAllAsync(cases, async c =>
        {
            (long Size, string Note) older = checkpoints[Math.Min(c.Item1, c.Item2)];
            (long Size, string Note) newer = checkpoints[Math.Max(c.Item1, c.Item2)];
            LogConsistency proof = await ProofAsync(tiles, older, newer);
            Assert.Null(proof.Verify(Verifier));
            byte[] json = proof.ToJson();
            Assert.True(LogConsistency.TryParse(json, out LogConsistency? read, out string? problem), problem);
            Assert.True(SameAs(proof, read));

            // One bit flipped anywhere: unreadable, or read as something that no longer verifies (or as the very same proof,
            // when the flip lands where JSON or base64 reading ignores it).
            int bit = c.Item3 % (json.Length * 8);
            byte[] flipped = [.. json];
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            if (LogConsistency.TryParse(flipped, out LogConsistency? changed, out _) && !SameAs(proof, changed))
            {
                Assert.NotNull(changed.Verify(Verifier));
            }
        }, iterations: 300);
    }

    [Fact]
    public async Task A_proof_between_checkpoints_of_another_key_or_swapped_sizes_is_refused()
    {
        (MemoryTileStore tiles, List<(long Size, string Note)> checkpoints) = await BuildAsync();
        LogConsistency proof = await ProofAsync(tiles, checkpoints[3], checkpoints[^2]);
        Assert.Null(proof.Verify(Verifier));
        using StixSigningKey other = StixSigningKey.Create();
        Assert.NotNull(proof.Verify(new NoteSigner(Origin, other).VerifierKey));
        Assert.NotNull((proof with { OldSize = proof.NewSize, NewSize = proof.OldSize }).Verify(Verifier));
        Assert.NotNull((proof with { OldCheckpoint = checkpoints[4].Note }).Verify(Verifier));
    }

    [Fact]
    public async Task The_parser_never_throws_on_mutated_proofs()
    {
        (MemoryTileStore tiles, List<(long Size, string Note)> checkpoints) = await BuildAsync();
        byte[][] seeds =
        [
            (await ProofAsync(tiles, checkpoints[0], checkpoints[5])).ToJson(),
            (await ProofAsync(tiles, checkpoints[7], checkpoints[^1])).ToJson(),
            (await ProofAsync(tiles, checkpoints[9], checkpoints[9])).ToJson(),
        ];
        FuzzMutator.Run("log-consistency", input =>
        {
            if (LogConsistency.TryParse(input, out LogConsistency? proof, out _))
            {
                _ = proof.Verify(Verifier);
            }
        }, seeds, 20261124, 3000);
    }
}
