using System.Security.Cryptography;
using System.Text;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;
using Detente.Testing;

namespace Detente.Ledger.Tests;

public sealed class LogEntryTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 23, 17, 0, 0, 123, TimeSpan.Zero);
    private static readonly byte[] s_salt = Enumerable.Range(0, 32).Select(static i => (byte)i).ToArray();

    private static StixObject Indicator(string? marking = null)
    {
        var reader = new StixReader();
        StixObject o = reader.ReadObject(Encoding.UTF8.GetBytes(StixExamples.ValidObjects["indicator"]));
        return marking is null ? o : o.With("object_marking_refs", JsonArray.Create([marking]));
    }

    [Fact]
    public void Entries_from_the_canonical_bytes_commit_to_what_entries_from_the_object_commit_to()
    {
        StixObject indicator = Indicator();
        byte[] canonical = indicator.Canonicalize();

        LogEntry salted = LogEntry.CreateSalted("n", LogAction.Publish, s_time, indicator, canonical, out byte[] salt);
        Assert.True(salted.Matches(indicator, salt));
        Assert.Equal(LogEntry.CreateSalted("n", LogAction.Publish, s_time, indicator, salt).Encoded.ToArray(), salted.Encoded.ToArray());

        StixObject clear = Indicator(TlpMarkings.Tlp2Clear);
        LogEntry fromBytes = LogEntry.CreateClear("n", LogAction.Publish, s_time, clear, clear.Canonicalize());
        Assert.Equal(LogEntry.CreateClear("n", LogAction.Publish, s_time, clear).Encoded.ToArray(), fromBytes.Encoded.ToArray());
        Assert.Throws<ArgumentException>(() => LogEntry.CreateClear("n", LogAction.Publish, s_time, indicator, canonical));
    }

    [Fact]
    public void A_salted_entry_has_the_documented_bytes()
    {
        StixObject o = Indicator();
        LogEntry entry = LogEntry.CreateSalted("node-a.example", LogAction.Publish, s_time, o, s_salt);

        // Recomputed here from the layout in LogEntry's documentation.
        byte[] commitment = SHA256.HashData([.. s_salt, .. o.Canonicalize()]);
        byte[] blinded = SHA256.HashData([.. s_salt, 0x00, .. "detente/ledger/object-id/v1"u8, 0x00, .. Encoding.UTF8.GetBytes(o.Id!)]);
        string expected = "{\"action\":\"publish\",\"blinded_id\":\"" + Convert.ToBase64String(blinded) + "\",\"commitment\":\"" + Convert.ToBase64String(commitment)
            + "\",\"origin\":\"node-a.example\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}";
        Assert.Equal(expected, entry.ToString());
        Assert.Equal(MerkleHasher.HashLeaf(Encoding.UTF8.GetBytes(expected)), entry.LeafHash);
        Assert.DoesNotContain(o.Id!, entry.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_salted_entry_matches_its_object_and_salt_only()
    {
        StixObject o = Indicator();
        LogEntry entry = LogEntry.CreateSalted("node-a.example", LogAction.Revoke, s_time, o, out byte[] salt);
        Assert.Equal(32, salt.Length);
        Assert.True(entry.Matches(o, salt));
        Assert.False(entry.Matches(o, s_salt));
        Assert.False(entry.Matches(o, []));
        Assert.False(entry.Matches(o.With("name", "changed"), salt));

        LogEntry parsed = LogEntry.Parse(entry.Encoded.Span);
        Assert.True(parsed.Matches(o, salt));
        Assert.Equal(LogAction.Revoke, parsed.Action);
        Assert.Equal(entry.Commitment, parsed.Commitment);

        // Fresh salt per entry: the same object logged twice gives unlinkable entries.
        LogEntry again = LogEntry.CreateSalted("node-a.example", LogAction.Revoke, s_time, o, out byte[] salt2);
        Assert.NotEqual(salt, salt2);
        Assert.NotEqual(entry.Commitment, again.Commitment);
        Assert.NotEqual(entry.BlindedId, again.BlindedId);
    }

    [Fact]
    public void Matching_from_the_canonical_bytes_agrees_with_matching_the_object_for_salted_clear_and_changed_objects()
    {
        StixObject o = Indicator();
        StixObject changed = o.With("name", "changed");
        LogEntry salted = LogEntry.Parse(LogEntry.CreateSalted("n", LogAction.Publish, s_time, o, out byte[] salt).Encoded.Span);
        StixObject clear = Indicator(TlpMarkings.Tlp2Clear);
        LogEntry inClear = LogEntry.Parse(LogEntry.CreateClear("n", LogAction.Publish, s_time, clear).Encoded.Span);
        LogEntry record = LogEntry.Parse(LogEntry.CreateRecord("n", LogAction.PsiSession, s_time, "r", JsonObject.Create(("id", "r")), out byte[] recordSalt).Encoded.Span);

        foreach ((LogEntry entry, StixObject candidate, byte[] with) in new[]
        {
            (salted, o, salt), (salted, o, s_salt), (salted, changed, salt), (salted, o, []),
            (inClear, clear, []), (inClear, clear, salt), (inClear, clear.With("name", "changed"), []),
            (record, o, recordSalt),
        })
        {
            Assert.Equal(entry.Matches(candidate, with), entry.MatchesCanonical(candidate.Id!, candidate.Canonicalize(), with));
        }

        Assert.True(salted.MatchesCanonical(o.Id!, o.Canonicalize(), salt));
        Assert.True(inClear.MatchesCanonical(clear.Id!, clear.Canonicalize(), []));
        Assert.False(salted.MatchesCanonical("indicator--00000000-0000-4000-8000-000000000000", o.Canonicalize(), salt));
    }

    [Fact]
    public void Only_tlp_clear_objects_may_be_logged_in_the_clear()
    {
        Assert.Throws<ArgumentException>(() => LogEntry.CreateClear("n", LogAction.Publish, s_time, Indicator()));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateClear("n", LogAction.Publish, s_time, Indicator(TlpMarkings.Tlp2Green)));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateClear("n", LogAction.Publish, s_time,
            Indicator().With("object_marking_refs", JsonArray.Create([TlpMarkings.Tlp2Clear, TlpMarkings.Tlp2Red]))));
        // A CLEAR object that names a sharing group (or any other marking definition) may be for some readers only.
        StixObject grouped = Indicator().With("object_marking_refs",
            JsonArray.Create([TlpMarkings.Tlp2Clear, "marking-definition--00000000-0000-4000-8000-00000000a001"]));
        Assert.False(LogEntry.QualifiesForClear(grouped));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateClear("n", LogAction.Publish, s_time, grouped));

        StixObject clear = Indicator(TlpMarkings.Tlp2Clear);
        LogEntry entry = LogEntry.CreateClear("n", LogAction.Delete, s_time, clear);
        Assert.True(entry.IsClear);
        Assert.Equal(clear.Id, entry.ObjectId);
        Assert.Contains("\"object_id\":\"" + clear.Id + "\"", entry.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"digest\":\"" + Convert.ToBase64String(SHA256.HashData(clear.Canonicalize())) + "\"", entry.ToString(), StringComparison.Ordinal);
        Assert.True(entry.Matches(clear, []));
        Assert.False(entry.Matches(clear, s_salt));
        Assert.True(LogEntry.Parse(entry.Encoded.Span).Matches(clear, []));
    }

    [Theory]
    [InlineData("{\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", true)]
    [InlineData("{\"v\":1,\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\"}", false)] // not JCS order
    [InlineData("{\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":2}", false)]
    [InlineData("{\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00Z\",\"v\":1}", false)] // no milliseconds
    [InlineData("{\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)] // 31 bytes
    [InlineData("{\"action\":\"share\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    [InlineData("{\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"extra\":1,\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    [InlineData("{\"action\":\"publish\",\"blinded_id\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"origin\":\"\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    [InlineData("{\"action\":\"publish\",\"digest\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"object_id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", true)]
    [InlineData("{\"action\":\"publish\",\"digest\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"object_id\":\"not an id\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)]
    [InlineData("{\"action\":\"publish\",\"commitment\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"object_id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"origin\":\"n\",\"time\":\"2026-11-23T17:00:00.123Z\",\"v\":1}", false)] // mixed forms
    [InlineData("[]", false)]
    [InlineData("{", false)]
    public void Only_canonical_entries_of_either_form_parse(string text, bool valid)
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
    public void Any_origin_roundtrips_through_the_canonical_form()
    {
        // Quotes, backslashes, slashes, non-ASCII and astral characters: JCS escapes only the first two.
        var origins = CsCheck.Gen.OneOf(
            CsCheck.Gen.String[CsCheck.Gen.Char["ab\"\\/é☃ "], 1, 40],
            CsCheck.Gen.Const("node-\U0001F600.example"),
            CsCheck.Gen.String[CsCheck.Gen.Char.AlphaNumeric, 1, 255]);
        Property.ForAll(origins, origin =>
        {
            LogEntry entry = LogEntry.CreateSalted(origin, LogAction.Delete, s_time, Indicator(), s_salt);
            LogEntry parsed = LogEntry.Parse(entry.Encoded.Span);
            Assert.Equal(origin, parsed.Origin);
            Assert.Equal(entry.Encoded.ToArray(), parsed.Encoded.ToArray());
            Assert.True(parsed.Matches(Indicator(), s_salt));
        }, iterations: 300);
        Assert.Throws<LedgerFormatException>(() => LogEntry.Parse(Encoding.UTF8.GetBytes(
            LogEntry.CreateSalted("a/b", LogAction.Publish, s_time, Indicator(), s_salt).ToString().Replace("a/b", "a\\/b", StringComparison.Ordinal))));
        Assert.Throws<LedgerFormatException>(() => LogEntry.Parse(Encoding.UTF8.GetBytes(
            LogEntry.CreateSalted("aAb", LogAction.Publish, s_time, Indicator(), s_salt).ToString().Replace("aAb", "a\\u0041b", StringComparison.Ordinal))));
    }

    [Fact]
    public void Bad_origins_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LogEntry.CreateSalted("", LogAction.Publish, s_time, Indicator(), s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateSalted("a\nb", LogAction.Publish, s_time, Indicator(), s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateSalted(new string('a', 256), LogAction.Publish, s_time, Indicator(), s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateSalted("n", LogAction.Publish, s_time, Indicator(), s_salt[..31]));
    }

    [Fact]
    public void The_direct_salted_encoding_equals_the_canonicalizer_for_any_origin_and_hashes()
    {
        // The store's fast path writes salted entries without building a JSON tree; the bytes must be JCS's exactly.
        var cases = CsCheck.Gen.Select(
            CsCheck.Gen.OneOf(CsCheck.Gen.String[CsCheck.Gen.Char["ab\"\\/é☃ .-"], 1, 40], CsCheck.Gen.String[CsCheck.Gen.Char.AlphaNumeric, 1, 255]),
            CsCheck.Gen.Int, CsCheck.Gen.Int, CsCheck.Gen.Int[0, 3]);
        Property.ForAll(cases, c =>
        {
            string action = LogEntry.NameOf((LogAction)c.Item4);
            var commitment = new MerkleHash(SHA256.HashData(BitConverter.GetBytes(c.Item2)));
            var blinded = new MerkleHash(SHA256.HashData(BitConverter.GetBytes(~c.Item3)));
            const string Time = "2026-11-24T05:30:00.123Z";
            byte[] expected = JsonCanonicalizer.Canonicalize(JsonObject.Create(
                ("v", 1), ("origin", c.Item1), ("action", action), ("time", Time),
                ("commitment", commitment.ToBase64()), ("blinded_id", blinded.ToBase64())));
            Assert.Equal(expected, LogEntry.EncodeSalted(c.Item1, action, Time, commitment, blinded));
        }, iterations: 500);
    }

    [Fact]
    public void An_entry_from_canonical_bytes_and_a_given_salt_equals_the_entry_made_from_the_object()
    {
        StixObject indicator = Indicator();
        LogEntry fromBytes = LogEntry.CreateSalted("example.org/log", LogAction.Publish, s_time, indicator, indicator.Canonicalize(), s_salt);
        LogEntry fromObject = LogEntry.CreateSalted("example.org/log", LogAction.Publish, s_time, indicator, s_salt);
        Assert.Equal(fromObject.Encoded.ToArray(), fromBytes.Encoded.ToArray());
        Assert.True(fromBytes.Matches(indicator, s_salt));
        Assert.Throws<ArgumentException>(() => LogEntry.CreateSalted("n", LogAction.Publish, s_time, indicator, indicator.Canonicalize(), s_salt[..31]));
    }
}
