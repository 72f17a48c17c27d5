using CsCheck;
using Detente.Psi;
using Detente.Testing;

namespace Detente.Node.Tests;

/// <summary>Reading back what the rate limit needs from a PSI session record as the log keeps it.</summary>
public sealed class PsiSessionRecordTests
{
    private static readonly DateTimeOffset s_opened = new(2026, 3, 4, 5, 6, 7, 891, TimeSpan.Zero);

    private static PsiSessionRecord Record(string initiator, string outcome, DateTimeOffset opened, DateTimeOffset time) => new(
        PsiSessionId.New(), initiator, "https://taxii.example.org/", PsiSetKind.Indicators, PsiMode.Intersection, 10, 20, PsiSessionId.New(),
        new byte[32], opened, time, outcome);

    [Fact]
    public void A_record_reads_back_its_initiator_times_and_outcome()
    {
        PsiSessionRecord record = Record("partner-a", "completed", s_opened, s_opened.AddMinutes(3));
        Assert.True(PsiSessionRecord.TryReadSummary(record.ToCanonicalJson(), out PsiSessionSummary summary));
        Assert.Equal(new PsiSessionSummary("partner-a", s_opened, s_opened.AddMinutes(3), "completed"), summary);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"other\",\"initiator\":\"a\",\"outcome\":\"opened\",\"opened\":\"2026-01-01T00:00:00Z\",\"time\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"type\":\"detente-psi-session\",\"initiator\":1,\"outcome\":\"opened\",\"opened\":\"2026-01-01T00:00:00Z\",\"time\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"type\":\"detente-psi-session\",\"initiator\":\"a\",\"outcome\":\"opened\",\"opened\":\"yesterday\",\"time\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"type\":\"detente-psi-session\",\"initiator\":\"a\",\"outcome\":\"opened\",\"opened\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"type\":\"detente-psi-session\",")]
    public void What_is_not_a_session_record_reads_as_none(string json)
    {
        Assert.False(PsiSessionRecord.TryReadSummary(System.Text.Encoding.UTF8.GetBytes(json), out PsiSessionSummary summary));
        Assert.Equal(default, summary);
    }

    [Fact]
    public void Any_bytes_are_read_as_a_summary_or_none_and_never_throw()
    {
        byte[][] seeds = [.. new[] { "opened", "completed", "failed: the peer sent an invalid point" }
            .Select(o => Record("partner-b", o, s_opened, s_opened).ToCanonicalJson())];
        FuzzMutator.Run(nameof(PsiSessionRecord.TryReadSummary), bytes =>
        {
            if (PsiSessionRecord.TryReadSummary(bytes, out PsiSessionSummary summary))
            {
                Assert.NotNull(summary.Initiator);
                Assert.NotNull(summary.Outcome);
            }
        }, seeds, randomSeed: 9497, iterations: 5_000);
    }

    [Fact]
    public void Records_of_any_initiator_outcome_and_times_read_back_the_same()
    {
        Gen<(string Initiator, string Outcome, long Millis, int Later)> gen = Gen.Select(
            Gen.String.Where(static s => s.Length > 0), Gen.String, Gen.Long[0, 4_102_444_800_000L], Gen.Int[0, 86_400_000]);
        Property.ForAll(gen, c =>
        {
            DateTimeOffset opened = DateTimeOffset.FromUnixTimeMilliseconds(c.Millis);
            PsiSessionRecord record = Record(c.Initiator, c.Outcome, opened, opened.AddMilliseconds(c.Later));
            Assert.True(PsiSessionRecord.TryReadSummary(record.ToCanonicalJson(), out PsiSessionSummary summary));
            Assert.Equal(new PsiSessionSummary(c.Initiator, opened, opened.AddMilliseconds(c.Later), c.Outcome), summary);
        });
    }
}
