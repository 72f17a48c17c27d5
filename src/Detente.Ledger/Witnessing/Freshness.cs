using System.Text;
using Detente.Ledger.Notes;

namespace Detente.Ledger.Witnessing;

/// <summary>How fresh a log's checkpoint is, judged by its newest valid cosignature.</summary>
/// <param name="IsStalled">True when no trusted cosignature is newer than the maximum age.</param>
/// <param name="Newest">The newest valid cosignature time, if any.</param>
/// <param name="Age">How old that is at the time of the check.</param>
/// <param name="ValidCosignatures">How many cosignatures from trusted witnesses verified.</param>
/// <param name="Message">What a partner should say about it.</param>
public sealed record FreshnessResult(bool IsStalled, DateTimeOffset? Newest, TimeSpan? Age, int ValidCosignatures, string Message);

/// <summary>The freshness rule: checkpoints carry no time, so a log is current only while witnesses keep cosigning it.</summary>
/// <remarks>
/// A partner treats a log whose newest trusted cosignature (C2SP tlog-cosignature v1.0.1 timestamp) is older than a
/// configured maximum age as stalled. Cosignatures dated further in the future than the allowed clock skew do not
/// count (tlog-cosignature lets verifiers reject them).
/// </remarks>
public static class Freshness
{
    /// <summary>Judges <paramref name="checkpoint"/> by the cosignatures of <paramref name="witnesses"/> (type 0x04 keys).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> or <paramref name="maxFutureSkew"/> is negative.</exception>
    public static FreshnessResult Check(SignedNote checkpoint, IEnumerable<NoteVerifierKey> witnesses, TimeSpan maxAge, TimeProvider timeProvider, TimeSpan? maxFutureSkew = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(witnesses);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        TimeSpan skew = maxFutureSkew ?? TimeSpan.FromMinutes(5);
        ArgumentOutOfRangeException.ThrowIfLessThan(skew, TimeSpan.Zero);

        DateTimeOffset now = timeProvider.GetUtcNow();
        byte[] text = Encoding.UTF8.GetBytes(checkpoint.Text);
        NoteVerifierKey[] keys = witnesses.Where(static k => k.Type == NoteKeyType.Cosignature).ToArray();
        DateTimeOffset? newest = null;
        int valid = 0;
        foreach (NoteSignature signature in checkpoint.Signatures)
        {
            foreach (NoteVerifierKey key in keys)
            {
                if (key.KeyId != signature.KeyId || !string.Equals(key.Name, signature.KeyName, StringComparison.Ordinal)
                    || !key.VerifySignature(text, signature.Signature.Span, out long? seconds)
                    || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                {
                    continue;
                }

                DateTimeOffset at = DateTimeOffset.FromUnixTimeSeconds(seconds!.Value);
                if (at - now > skew)
                {
                    continue;
                }

                valid++;
                if (newest is null || at > newest)
                {
                    newest = at;
                }
            }
        }

        if (newest is not { } time)
        {
            return new FreshnessResult(true, null, null, 0, "Stalled: no trusted witness has cosigned this checkpoint.");
        }

        TimeSpan age = now - time;
        return age > maxAge
            ? new FreshnessResult(true, time, age, valid, $"Stalled: the newest cosignature is {age.TotalSeconds:F0} s old, more than the allowed {maxAge.TotalSeconds:F0} s.")
            : new FreshnessResult(false, time, age, valid, $"Fresh: cosigned {Math.Max(age.TotalSeconds, 0):F0} s ago by {valid} trusted witness signature(s).");
    }
}
