using System.Text;
using Detente.Fuzz;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Ledger.Tests.Fuzz;

/// <summary>
/// Runs every ledger fuzz target over seeded mutations of valid inputs (fixed seed), so the default test run
/// exercises the oracles that long AFL++ runs use (tests/Detente.Fuzz/run-afl.sh ledger-…). Seeds: the files in
/// tests/Detente.Fuzz/Corpus/ledger (re-typed from golang.org/x/mod sumdb/note tests, C2SP tlog-checkpoint v1.0.0 and
/// tlog-witness v1.0.0 examples) and structures made here by the library itself.
/// </summary>
public sealed class LedgerFuzzTests
{
    private const int Iterations = 4000;

    private static readonly byte[][] s_tokens =
    [
        "\n"u8.ToArray(), "\n\n"u8.ToArray(), "\u2014 "u8.ToArray(), "+"u8.ToArray(), "="u8.ToArray(), "/"u8.ToArray(), "x0"u8.ToArray(),
        ".p/"u8.ToArray(), "old "u8.ToArray(), "tile/"u8.ToArray(), "entries"u8.ToArray(), "000"u8.ToArray(), [0xFF, 0xFF], [0x00, 0x00],
    ];

    public static TheoryData<string> Targets => new(FuzzTargets.All.Keys.Where(static k => k.StartsWith("ledger-", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Mutated_inputs_never_break_a_target(string name)
    {
        FuzzTarget target = FuzzTargets.All[name];
        FuzzMutator.Run(name, input => target(input), Seeds(), 20261123, Iterations, s_tokens);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_pass_every_target(string name)
    {
        foreach (byte[] seed in Seeds())
        {
            FuzzTargets.All[name](seed);
        }
    }

    [Fact]
    public void The_seeds_reach_each_parser_s_accept_path()
    {
        List<byte[]> seeds = Seeds();
        Assert.Contains(seeds, static s => Accepts(() => SignedNote.Parse(s)));
        Assert.Contains(seeds, static s => Accepts(() => Checkpoint.ParseText(SignedNote.Parse(s).Text)));
        Assert.Contains(seeds, static s => TilePath.TryParse(Encoding.UTF8.GetString(s), out _));
        Assert.Contains(seeds, static s => s.Length > 0 && Accepts(() => EntryBundle.Decode(s[1..], s[0])));
        Assert.Contains(seeds, static s => Accepts(() => AddCheckpointRequest.Parse(s)));
        Assert.Contains(seeds, static s => Accepts(() => LogEntry.Parse(s)));
        Assert.Contains(seeds, static s => NoteVerifierKey.TryParse(Encoding.UTF8.GetString(s), out _));
    }

    private static bool Accepts(Action parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (LedgerFormatException)
        {
            return false;
        }
    }

    private static List<byte[]> Seeds()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "ledger")).Select(File.ReadAllBytes).ToList();
        using var log = new TestLog();
        SignedNote note = log.Signer.SignNote(new Checkpoint(TestLog.Origin, 300, MerkleHasher.HashLeaf("x"u8)).ToText());
        seeds.Add(note.ToBytes());
        seeds.Add(new AddCheckpointRequest(7, [MerkleHasher.HashLeaf("a"u8), MerkleHasher.HashLeaf("b"u8)], note).ToBytes());
        seeds.Add(Encoding.UTF8.GetBytes(log.Signer.VerifierKey.ToString()));
        seeds.Add(Encoding.UTF8.GetBytes(TilePath.Entries(1234067, 9).ToString()));
        StixObject o = new StixReader().ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        byte[] entry = LogEntry.CreateSalted("node-a", LogAction.Publish, DateTimeOffset.UnixEpoch, o, out _).Encoded.ToArray();
        seeds.Add(entry);
        seeds.Add(LogEntry.CreateRecord("node-a", LogAction.PsiSession, DateTimeOffset.UnixEpoch, "00112233445566778899aabbccddeeff",
            Detente.Stix.Json.JsonObject.Create(("outcome", "completed")), out _).Encoded.ToArray());
        seeds.Add([3, .. EntryBundle.Encode([entry, entry, Array.Empty<byte>()])]);
        return seeds;
    }
}
