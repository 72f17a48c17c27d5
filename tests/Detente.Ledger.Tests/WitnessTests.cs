using System.Buffers.Binary;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Stix.Signatures;
using Detente.Testing;
using NSec.Cryptography;

namespace Detente.Ledger.Tests;

public sealed class WitnessTests : IDisposable
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly StixSigningKey _witnessKey = StixSigningKey.ImportSeed(Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    private readonly ManualTimeProvider _time = new(s_start);

    public void Dispose() => _witnessKey.Dispose();

    private Cosigner NewCosigner() => new("witness.example/w1", _witnessKey, _time);

    [Fact]
    public void A_cosignature_is_a_timestamp_and_an_ed25519_signature_over_the_spec_message()
    {
        using var log = new TestLog();
        string text = new Checkpoint(TestLog.Origin, 5, MerkleHasher.HashLeaf("a"u8)).ToText();
        NoteSignature cosignature = NewCosigner().Cosign(text);
        Assert.Equal(72, cosignature.Signature.Length);
        Assert.Equal((ulong)s_start.ToUnixTimeSeconds(), BinaryPrimitives.ReadUInt64BigEndian(cosignature.Signature.Span));

        // Checked with NSec directly, from the bytes tlog-cosignature v1.0.1 specifies.
        byte[] message = Encoding.UTF8.GetBytes($"cosignature/v1\ntime {s_start.ToUnixTimeSeconds()}\n{text}");
        PublicKey publicKey = PublicKey.Import(SignatureAlgorithm.Ed25519, _witnessKey.VerificationKey.RawPublicKey.Span, KeyBlobFormat.RawPublicKey);
        Assert.True(SignatureAlgorithm.Ed25519.Verify(publicKey, message, cosignature.Signature.Span[8..]));

        // Key id with type byte 0x04, and the note verifier reads the timestamp back.
        NoteVerifierKey vkey = NewCosigner().VerifierKey;
        Assert.Equal(NoteVerifierKey.ComputeKeyId("witness.example/w1", NoteKeyType.Cosignature, _witnessKey.VerificationKey.RawPublicKey.Span), cosignature.KeyId);
        Assert.True(vkey.VerifySignature(Encoding.UTF8.GetBytes(text), cosignature.Signature.Span, out long? time));
        Assert.Equal(s_start.ToUnixTimeSeconds(), time);
        Assert.Equal(vkey, NoteVerifierKey.Parse(vkey.ToString()));

        // The log's checkpoint with the cosignature added still verifies with either key.
        SignedNote note = log.Signer.SignNote(text).WithSignature(cosignature);
        Assert.True(note.Verify([log.Signer.VerifierKey]).IsValid);
        Assert.True(note.Verify([vkey]).IsValid);
        Assert.False(vkey.VerifySignature(Encoding.UTF8.GetBytes(text + "x\n"), cosignature.Signature.Span, out _));
    }

    [Fact]
    public async Task The_witness_cosigns_a_consistent_checkpoint_and_answers_each_failure_with_its_status()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using TestLog log = await TestLog.BuildAsync(300);
        var witness = new Witness(NewCosigner(), [new WitnessedLog(TestLog.Origin, [log.Signer.VerifierKey])]);
        SignedNote first = log.Batches[0].Checkpoint;

        // First contact: old size 0, empty proof.
        WitnessResponse ok = witness.AddCheckpoint(new AddCheckpointRequest(0, [], first).ToBytes(), _ => null);
        Assert.Equal(200, ok.StatusCode);
        WitnessRecord record = Assert.IsType<WitnessRecord>(ok.NewRecord);
        Assert.Equal(300, record.Size);
        NoteSignature cosignature = Assert.Single(WitnessResponses.ParseCosignatures(ok.Body.Span));
        Assert.True(first.WithSignature(cosignature).Verify([witness.VerifierKey]).IsValid);

        // Grow the log and come back with a consistency proof.
        await log.AppendAsync(700);
        SignedNote second = log.Batches[^1].Checkpoint;
        MerkleHash[] proof = await MerkleProof.ConsistencyAsync(new TileHashReader(log.Store, 1000), 300, 1000, ct);
        Assert.Equal(200, witness.AddCheckpoint(new AddCheckpointRequest(300, proof, second).ToBytes(), _ => record).StatusCode);

        // 409: the old size is not what the witness cosigned last, and the body says what it was.
        WitnessResponse conflict = witness.AddCheckpoint(new AddCheckpointRequest(0, [], second).ToBytes(), _ => record);
        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal(WitnessResponses.SizeContentType, conflict.ContentType);
        Assert.Equal(300, WitnessResponses.ParseSize(conflict.Body.Span));

        // 422: a proof that does not verify.
        MerkleHash[] bad = [.. proof];
        bad[0] = ProofPropertyTests.Flip(bad[0], 3);
        Assert.Equal(422, witness.AddCheckpoint(new AddCheckpointRequest(300, bad, second).ToBytes(), _ => record).StatusCode);
        Assert.Equal(422, witness.AddCheckpoint(new AddCheckpointRequest(0, proof, second).ToBytes(), _ => null).StatusCode);

        // 400: old size larger than the checkpoint's; malformed body.
        Assert.Equal(400, witness.AddCheckpoint(new AddCheckpointRequest(2000, [], second).ToBytes(), _ => null).StatusCode);
        Assert.Equal(400, witness.AddCheckpoint("old 01\n\n"u8, _ => null).StatusCode);

        // 403: not signed by the log's key; 404: unknown origin.
        SignedNote forged = new NoteSigner(TestLog.Origin, _witnessKey).SignNote(second.Text);
        Assert.Equal(403, witness.AddCheckpoint(new AddCheckpointRequest(300, proof, forged).ToBytes(), _ => record).StatusCode);
        SignedNote elsewhere = new NoteSigner("other.example/log", log.Key).SignNote(new Checkpoint("other.example/log", 1, MerkleHasher.EmptyRoot).ToText());
        Assert.Equal(404, witness.AddCheckpoint(new AddCheckpointRequest(0, [], elsewhere).ToBytes(), _ => null).StatusCode);

        // Same size, another root: 409.
        SignedNote fork = log.Signer.SignNote(new Checkpoint(TestLog.Origin, 300, MerkleHasher.HashLeaf("fork"u8)).ToText());
        Assert.Equal(409, witness.AddCheckpoint(new AddCheckpointRequest(300, [], fork).ToBytes(), _ => record).StatusCode);
        Assert.Equal(200, witness.AddCheckpoint(new AddCheckpointRequest(300, [], first).ToBytes(), _ => record).StatusCode);
    }

    [Fact]
    public void Add_checkpoint_bodies_roundtrip_and_malformed_ones_are_refused()
    {
        using var log = new TestLog();
        SignedNote note = log.Signer.SignNote(new Checkpoint(TestLog.Origin, 8, MerkleHasher.HashLeaf("a"u8)).ToText());
        MerkleHash[] proof = [MerkleHasher.HashLeaf("p"u8), MerkleHasher.HashLeaf("q"u8)];
        byte[] body = new AddCheckpointRequest(5, proof, note).ToBytes();
        string text = Encoding.UTF8.GetString(body);
        Assert.StartsWith("old 5\n" + proof[0].ToBase64() + "\n" + proof[1].ToBase64() + "\n\n" + TestLog.Origin + "\n8\n", text, StringComparison.Ordinal);
        AddCheckpointRequest parsed = AddCheckpointRequest.Parse(body);
        Assert.Equal(5, parsed.OldSize);
        Assert.Equal(proof, parsed.Proof);
        Assert.Equal(note.ToBytes(), parsed.Note.ToBytes());

        string noteText = Encoding.UTF8.GetString(note.ToBytes());
        string[] bad =
        [
            "old 05\n\n" + noteText, "old -1\n\n" + noteText, "old 5\n" + noteText, "Old 5\n\n" + noteText, "old  5\n\n" + noteText,
            "old 5\nAAAA\n\n" + noteText, "old 5\n" + proof[0].ToBase64().TrimEnd('=') + "\n\n" + noteText, "old 5\n\n", "old 5",
            "old 5\n" + string.Concat(Enumerable.Repeat(proof[0].ToBase64() + "\n", 64)) + "\n" + noteText,
            "old 5\n\n" + noteText.TrimEnd('\n'),
        ];
        foreach (string b in bad)
        {
            Assert.Throws<LedgerFormatException>(() => AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes(b)));
        }

        Assert.Equal(63, AddCheckpointRequest.Parse(Encoding.UTF8.GetBytes("old 5\n" + string.Concat(Enumerable.Repeat(proof[0].ToBase64() + "\n", 63)) + "\n" + noteText)).Proof.Count);
        Assert.Throws<LedgerFormatException>(() => WitnessResponses.ParseSize("12"u8));
        Assert.Throws<LedgerFormatException>(() => WitnessResponses.ParseSize("012\n"u8));
        Assert.Throws<LedgerFormatException>(() => WitnessResponses.ParseCosignatures(""u8));
        Assert.Throws<LedgerFormatException>(() => WitnessResponses.ParseCosignatures("hello\n"u8));
        Assert.Equal(12, WitnessResponses.ParseSize("12\n"u8));
    }

    [Fact]
    public void A_log_is_stalled_when_its_newest_trusted_cosignature_is_older_than_the_maximum_age()
    {
        using var log = new TestLog();
        string text = new Checkpoint(TestLog.Origin, 5, MerkleHasher.HashLeaf("a"u8)).ToText();
        Cosigner cosigner = NewCosigner();
        SignedNote note = log.Signer.SignNote(text).WithSignature(cosigner.Cosign(text));
        TimeSpan maxAge = TimeSpan.FromMinutes(10);

        FreshnessResult fresh = Freshness.Check(note, [cosigner.VerifierKey], maxAge, _time);
        Assert.False(fresh.IsStalled, fresh.Message);
        Assert.Equal(s_start, fresh.Newest);

        _time.Advance(TimeSpan.FromMinutes(11));
        FreshnessResult stalled = Freshness.Check(note, [cosigner.VerifierKey], maxAge, _time);
        Assert.True(stalled.IsStalled);
        Assert.Equal(TimeSpan.FromMinutes(11), stalled.Age);

        // A newer cosignature makes it fresh again; an untrusted witness or a bad signature counts for nothing.
        note = note.WithSignature(cosigner.Cosign(text));
        Assert.False(Freshness.Check(note, [cosigner.VerifierKey], maxAge, _time).IsStalled);
        Assert.True(Freshness.Check(note, [], maxAge, _time).IsStalled);
        Assert.True(Freshness.Check(log.Signer.SignNote(text), [cosigner.VerifierKey], maxAge, _time).IsStalled);
    }

    [Fact]
    public void A_cosignature_from_the_future_does_not_count()
    {
        using var log = new TestLog();
        string text = new Checkpoint(TestLog.Origin, 5, MerkleHasher.HashLeaf("a"u8)).ToText();
        var future = new ManualTimeProvider(s_start.AddHours(1));
        var cosigner = new Cosigner("witness.example/w1", _witnessKey, future);
        SignedNote note = log.Signer.SignNote(text).WithSignature(cosigner.Cosign(text));
        Assert.True(Freshness.Check(note, [cosigner.VerifierKey], TimeSpan.FromDays(1), _time).IsStalled);
    }
}
