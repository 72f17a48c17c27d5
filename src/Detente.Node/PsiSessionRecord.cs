using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Detente.Ledger.Entries;
using Detente.Psi;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// What the node records of one PSI session in its transparency log: the parties, both set sizes, the set and mode,
/// the key (by its commitment K = k·B and epoch), when, and the outcome. A session is recorded twice, as two
/// <c>psi-session</c> log entries: when it opens (<see cref="Outcome"/> <c>opened</c>, before any evaluation leaves the
/// node, so that a session cut short by a crash is still in the log) and when it ends (<c>completed</c>, <c>closed</c>
/// before the end, <c>failed: …</c>, <c>expired</c>).
/// </summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Initiator">The principal that ran the session.</param>
/// <param name="Responder">This node, by its public URL.</param>
/// <param name="Set">The node's set the session ran against.</param>
/// <param name="Mode">Intersection or cardinality.</param>
/// <param name="InitiatorSetSize">The size the initiator announced (and the node accepted).</param>
/// <param name="ResponderSetSize">The node's set size as the initiator saw it.</param>
/// <param name="KeyEpoch">The key epoch id (the key context of the DST).</param>
/// <param name="KeyCommitment">The responder's public key K = k·B of that epoch, 32 bytes.</param>
/// <param name="Opened">When the session opened.</param>
/// <param name="Time">When this record was made (the opening, or the end).</param>
/// <param name="Outcome"><c>opened</c>, <c>completed</c>, <c>closed</c>, <c>expired</c>, or <c>failed: </c> and the reason.</param>
public sealed record PsiSessionRecord(
    PsiSessionId SessionId,
    string Initiator,
    string Responder,
    PsiSetKind Set,
    PsiMode Mode,
    int InitiatorSetSize,
    int ResponderSetSize,
    PsiSessionId KeyEpoch,
    ReadOnlyMemory<byte> KeyCommitment,
    DateTimeOffset Opened,
    DateTimeOffset Time,
    string Outcome)
{
    /// <summary>The record type named in the JSON (<c>type</c>).</summary>
    public const string RecordType = "detente-psi-session";

    /// <summary>The record as a JSON object: names in snake case, times as RFC 3339 UTC with milliseconds, the key in lower-case hex.</summary>
    public JsonObject ToJson() => JsonObject.Create(
        ("type", RecordType),
        ("session_id", SessionId.ToString()),
        ("initiator", Initiator),
        ("responder", Responder),
        ("set", NodePsiOptions.SetName(Set)),
        ("mode", Mode == PsiMode.Intersection ? "intersection" : "cardinality"),
        ("initiator_set_size", InitiatorSetSize),
        ("responder_set_size", ResponderSetSize),
        ("key_epoch", KeyEpoch.ToString()),
        ("key_commitment", Convert.ToHexStringLower(KeyCommitment.Span)),
        ("opened", Timestamp(Opened)),
        ("time", Timestamp(Time)),
        ("outcome", Outcome));

    /// <summary>The record's RFC 8785 canonical JSON (UTF-8): what the log appends.</summary>
    public byte[] ToCanonicalJson() => JsonCanonicalizer.Canonicalize(ToJson());

    /// <inheritdoc/>
    public override string ToString() => Encoding.UTF8.GetString(ToCanonicalJson());

    /// <summary>
    /// Reads, from a record's canonical JSON as the log keeps it, who ran the session, when it opened, when the record was
    /// made and its outcome; false for JSON that is not a PSI session record of this form (nothing is thrown).
    /// </summary>
    public static bool TryReadSummary(ReadOnlySpan<byte> json, out PsiSessionSummary summary)
    {
        summary = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !Text(root, "type", out string? type) || !string.Equals(type, RecordType, StringComparison.Ordinal)
                || !Text(root, "initiator", out string? initiator)
                || !Text(root, "outcome", out string? outcome)
                || !Text(root, "opened", out string? opened) || !StixTimestamp.TryParse(opened, out StixTimestamp openedAt)
                || !Text(root, "time", out string? time) || !StixTimestamp.TryParse(time, out StixTimestamp recordedAt))
            {
                return false;
            }

            summary = new PsiSessionSummary(initiator, openedAt.Value, recordedAt.Value, outcome);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8.
            return false;
        }

        static bool Text(JsonElement root, string name, [NotNullWhen(true)] out string? value)
        {
            value = root.TryGetProperty(name, out JsonElement element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            return value is not null;
        }
    }

    private static string Timestamp(DateTimeOffset time) => StixTimestamp.FromDateTimeOffset(time, 3).ToString();
}

/// <summary>What the rate limit needs of a PSI session record: who ran it, when it opened, when the record was made, and
/// its outcome (<c>opened</c> for the record written at the opening).</summary>
public readonly record struct PsiSessionSummary(string Initiator, DateTimeOffset Opened, DateTimeOffset Time, string Outcome);

/// <summary>Where the node sends its PSI session records (the transparency log). Implementations must be thread-safe.</summary>
public interface IPsiSessionRecorder
{
    /// <summary>Appends <paramref name="record"/>. A failure fails the request that caused it (the session does not go on unrecorded).</summary>
    /// <returns>The transparency log entry written (its leaf index, bytes and salt), or null when the recorder writes
    /// somewhere else.</returns>
    public ValueTask<LogEntryRecord?> RecordAsync(PsiSessionRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// The node's recorder (the default): appends each record to the transparency log as a salted <c>psi-session</c> entry
/// (<see cref="IStore.AppendLogRecordAsync"/>, under the log lock, sealed like any entry), and writes its canonical JSON
/// to the node's log (event 8090, information).
/// </summary>
public sealed class TransparencyLogPsiSessionRecorder(IStore store, ILogger<TransparencyLogPsiSessionRecorder> logger) : IPsiSessionRecorder
{
    /// <inheritdoc/>
    public async ValueTask<LogEntryRecord?> RecordAsync(PsiSessionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        // Not cancelled with the request: a record that was asked for is written (an aborted request still ends a session).
        LogEntryRecord entry = await store.AppendLogRecordAsync(LogAction.PsiSession, record.SessionId.ToString(), record.ToJson(), CancellationToken.None)
            .ConfigureAwait(false);
        Log.PsiSessionRecorded(logger, record.ToString());
        return entry;
    }
}

/// <summary>Writes each record's canonical JSON to the node's log only (event 8090, information): for tests and tools, not
/// for a node that partners audit.</summary>
public sealed class LoggerPsiSessionRecorder(ILogger<LoggerPsiSessionRecorder> logger) : IPsiSessionRecorder
{
    /// <inheritdoc/>
    public ValueTask<LogEntryRecord?> RecordAsync(PsiSessionRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        Log.PsiSessionRecorded(logger, record.ToString());
        return ValueTask.FromResult<LogEntryRecord?>(null);
    }
}
