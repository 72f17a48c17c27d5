using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Detente.Ledger.Auditing;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Sequencing;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Ledger.Tests;

public sealed class LogRecordEntryTests
{
    private const string SessionId = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static readonly DateTimeOffset s_time = new(2026, 11, 23, 17, 0, 0, 123, TimeSpan.Zero);
    private static readonly byte[] s_salt = Enumerable.Range(0, 32).Select(static i => (byte)(255 - i)).ToArray();

    private static JsonObject Record(string outcome = "completed") => JsonObject.Create(
        ("type", "detente-psi-session"), ("session_id", SessionId), ("initiator", "partner-b"), ("initiator_set_size", 1000),
        ("responder_set_size", 2000), ("mode", "intersection"), ("outcome", outcome));

    [Fact]
    public void A_psi_session_entry_has_the_documented_bytes()
    {
        JsonObject record = Record();
        LogEntry entry = LogEntry.CreateRecord("node-a.example", LogAction.PsiSession, s_time, SessionId, record, s_salt);

        // Recomputed here from the layout in LogEntry's documentation and the README.
        byte[] commitment = SHA256.HashData([.. s_salt, .. JsonCanonicalizer.Canonicalize(record)]);
        byte[] blinded = SHA256.HashData([.. s_salt, 0x00, .. "detente/ledger/psi-session-id/v1"u8, 0x00, .. Encoding.UTF8.GetBytes(SessionId)]);
        string expected = "{\"action\":\"psi-session\",\"blinded_id\":\"" + Convert.ToBase64String(blinded) + "\",\"commitment\":\""
            + Convert.ToBase64String(commitment) + "\",\"origin\":\"node-a.example\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}";
        Assert.Equal(expected, entry.ToString());
        Assert.Equal(MerkleHasher.HashLeaf(Encoding.UTF8.GetBytes(expected)), entry.LeafHash);
        Assert.True(entry.IsRecord);
        Assert.False(entry.IsClear);
        Assert.DoesNotContain(SessionId, entry.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("partner-b", entry.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_psi_session_entry_matches_its_record_id_and_salt_only()
    {
        JsonObject record = Record();
        LogEntry entry = LogEntry.CreateRecord("node-a.example", LogAction.PsiSession, s_time, SessionId, record, out byte[] salt);
        LogEntry parsed = LogEntry.Parse(entry.Encoded.Span);
        Assert.Equal(LogAction.PsiSession, parsed.Action);
        Assert.True(parsed.MatchesRecord(record, SessionId, salt));
        Assert.True(parsed.MatchesRecord(JsonCanonicalizer.Canonicalize(record), SessionId, salt));
        Assert.False(parsed.MatchesRecord(JsonCanonicalizer.Canonicalize(Record("closed")), SessionId, salt));
        Assert.False(parsed.MatchesRecord(JsonCanonicalizer.Canonicalize(record), SessionId, s_salt));
        Assert.False(parsed.MatchesRecord(Record("closed"), SessionId, salt));
        Assert.False(parsed.MatchesRecord(record, "00" + SessionId[2..], salt));
        Assert.False(parsed.MatchesRecord(record, SessionId, s_salt));
        Assert.False(parsed.MatchesRecord(record, SessionId, []));

        // Under one salt, a blinded session id is never the blinded object id of the same text (separate labels).
        Assert.NotEqual(LogEntry.BlindId(SessionId, salt), parsed.BlindedId);

        // An object entry never matches a record, nor a record entry an object.
        StixObject o = new StixReader().ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        LogEntry objectEntry = LogEntry.CreateSalted("node-a.example", LogAction.Publish, s_time, o, salt);
        Assert.False(objectEntry.MatchesRecord(record, SessionId, salt));
        Assert.False(parsed.Matches(o, salt));
    }

    [Fact]
    public void Record_and_object_actions_are_not_mixed()
    {
        StixObject o = new StixReader().ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateSalted("n", LogAction.PsiSession, s_time, o, s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateClear("n", LogAction.PsiSession, s_time, o));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateRecord("n", LogAction.Publish, s_time, SessionId, Record(), s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateRecord("n", LogAction.PsiSession, s_time, "", Record(), s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateRecord("n", LogAction.PsiSession, s_time, SessionId, Record(), s_salt[..31]));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateRecord("", LogAction.PsiSession, s_time, SessionId, Record(), s_salt));
    }

    [Theory]
    [InlineData("{\"action\":\"psi-session\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", true)]
    [InlineData("{\"action\":\"psi-session\",\"digest\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"object_id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)] // never clear
    [InlineData("{\"action\":\"psi-sessions\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    [InlineData("{\"action\":\"psi\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    [InlineData("{\"action\":\"PSI-SESSION\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    public void Only_salted_psi_session_entries_parse(string text, bool valid)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (valid)
        {
            Assert.Equal(bytes, LogEntry.Parse(bytes).Encoded.ToArray());
        }
        else
        {
            Assert.Throws<LedgerFormatException>(() => LogEntry.Parse(bytes));
        }
    }

    [Fact]
    public void Any_record_roundtrips_and_matches_only_itself()
    {
        var gen = CsCheck.Gen.Select(CsCheck.Gen.String[CsCheck.Gen.Char["ab\"\\/é☃ 0"], 1, 40], CsCheck.Gen.Int[0, 1_000_000],
            CsCheck.Gen.Byte.Array[32]);
        Property.ForAll(gen, c =>
        {
            (string initiator, int size, byte[] salt) = c;
            JsonObject record = JsonObject.Create(("initiator", initiator), ("initiator_set_size", size), ("session_id", SessionId));
            LogEntry entry = LogEntry.CreateRecord(initiator, LogAction.PsiSession, s_time, SessionId, record, salt);
            LogEntry parsed = LogEntry.Parse(entry.Encoded.Span);
            Assert.Equal(entry.Encoded.ToArray(), parsed.Encoded.ToArray());
            Assert.Equal(initiator, parsed.Origin);
            Assert.True(parsed.MatchesRecord(record, SessionId, salt));
            Assert.False(parsed.MatchesRecord(JsonObject.Create(("initiator", initiator), ("initiator_set_size", size + 1), ("session_id", SessionId)), SessionId, salt));
        }, iterations: 200);
    }

    [Fact]
    public void Action_names_roundtrip()
    {
        foreach (LogAction action in Enum.GetValues<LogAction>())
        {
            Assert.True(LogEntry.TryParseAction(LogEntry.NameOf(action), out LogAction back));
            Assert.Equal(action, back);
        }

        Assert.False(LogEntry.TryParseAction("share", out _));
        Assert.False(LogEntry.TryParseAction(null, out _));
    }

    [Fact]
    public async Task The_auditor_accepts_a_log_of_object_and_psi_session_entries()
    {
        using var log = new TestLog();
        StixObject o = new StixReader().ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        var entries = Enumerable.Range(0, 300)
            .Select(i => (ReadOnlyMemory<byte>)(i % 3 == 0
                ? LogEntry.CreateRecord("node-a", LogAction.PsiSession, DateTimeOffset.UnixEpoch.AddSeconds(i), SessionId, Record(), out _).Encoded
                : LogEntry.CreateSalted("node-a", LogAction.Publish, DateTimeOffset.UnixEpoch.AddSeconds(i), o, out _).Encoded))
            .ToList();
        SequencedBatch batch = log.Sequencer.Append(LogEdge.Empty, entries);
        Assert.True(await log.Store.TryCommitAsync(batch.ToCommit(), TestContext.Current.CancellationToken));
        LogAuditResult result = await new LogAuditor([log.Signer.VerifierKey], TestLog.Origin).AuditAsync(log.Store, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(result.IsValid, result.Discrepancy?.ToString());
        Assert.Equal(300, result.EntriesChecked);
    }
}
