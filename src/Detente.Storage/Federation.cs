namespace Detente.Storage;

/// <summary>What this node knows of a partner's transparency log: the pinned verifier key, the last checkpoint it verified,
/// its sync counters and its alarm.</summary>
/// <param name="Partner">The partner's name.</param>
/// <param name="LogKey">The partner log's verifier key (C2SP signed-note <c>name+hash+base64</c>), which pins its origin.</param>
/// <param name="Checkpoint">The last checkpoint of the partner's log this node verified (the signed note), or null before the first audit.</param>
/// <param name="Size">The tree size of <paramref name="Checkpoint"/>, or null.</param>
/// <param name="LastSync">When the last sync from the partner finished, or null.</param>
/// <param name="ObjectsReceived">How many new object versions were stored from the partner.</param>
/// <param name="Alarm">The first unresolved audit alarm (data from the partner is refused while set), or null.</param>
public sealed record PartnerLogRecord(string Partner, string LogKey, ReadOnlyMemory<byte>? Checkpoint, long? Size, DateTimeOffset? LastSync,
    long ObjectsReceived, string? Alarm)
{
    /// <summary>How many object versions were stored from the partner as received <em>redacted and unproven</em>: its node
    /// served them redacted, signed by its own key as their creator, and said so in its log openings; its log commits to the
    /// full object, so their inclusion could not be proven (counted here, not an alarm). Included in
    /// <see cref="ObjectsReceived"/>.</summary>
    public long ObjectsRedacted { get; init; }
}

/// <summary>A partner collection this node pulls from, and where it stores what it receives.</summary>
/// <param name="Partner">The partner's name.</param>
/// <param name="ApiRoot">The API root's name on the partner node (<c>default</c>).</param>
/// <param name="RemoteCollection">The collection's id (or alias) on the partner node.</param>
/// <param name="CollectionId">The local collection the objects are stored into.</param>
/// <param name="Cursor">The <c>added_after</c> to continue from (the partner's <c>X-TAXII-Date-Added-Last</c> of the last stored page), or null to start from the beginning.</param>
public sealed record SubscriptionRecord(string Partner, string ApiRoot, string RemoteCollection, Guid CollectionId, string? Cursor)
{
    /// <summary>The most characters of <see cref="ApiRoot"/>, <see cref="RemoteCollection"/> and <see cref="Cursor"/>.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Checks the record: the problem, or null when it is acceptable.</summary>
    public string? Check()
    {
        if (!SharingNames.IsValid(Partner))
        {
            return "A partner name is 1–64 of a-z 0-9 - _ . starting with a letter or digit.";
        }

        if (ApiRoot is not { Length: > 0 and <= MaxTextLength } || !ApiRoot.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            return "A remote API root name is 1–256 characters of A–Z a–z 0–9 - . _ ~.";
        }

        if (RemoteCollection is not { Length: > 0 and <= MaxTextLength } || !RemoteCollection.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
        {
            return "A remote collection is its id or alias: 1–256 characters of A–Z a–z 0–9 - . _ ~.";
        }

        return Cursor is { Length: 0 or > MaxTextLength } ? "A cursor is 1–256 characters." : null;
    }
}

/// <summary>The page of a sync being stored: whose it is, when it came, and the cursor to store with it.</summary>
/// <param name="Partner">The partner the objects came from (their provenance).</param>
/// <param name="ApiRoot">The subscription's remote API root.</param>
/// <param name="RemoteCollection">The subscription's remote collection.</param>
/// <param name="Received">When the page was received.</param>
/// <param name="Cursor">The subscription's new cursor (the page's <c>X-TAXII-Date-Added-Last</c>).</param>
public sealed record ReceivedBatch(string Partner, string ApiRoot, string RemoteCollection, DateTimeOffset Received, string Cursor)
{
    /// <summary>The objects of the batch received <em>redacted and unproven</em>: the partner's node served them
    /// redacted and signed by its own key as their creator, so their inclusion in its log (which commits to the full object)
    /// cannot be proven. Recorded with their provenance (<see cref="ObjectProvenance.Redacted"/>) and counted
    /// (<see cref="PartnerLogRecord.ObjectsRedacted"/>). Empty by default.</summary>
    public IReadOnlySet<ObjectToAdd> Redacted { get; init; } = new HashSet<ObjectToAdd>();
}

/// <summary>Where a stored version came from: the partner it was received from by sync, and when.</summary>
/// <param name="Partner">The partner.</param>
/// <param name="Received">When this node received it.</param>
public sealed record ObjectProvenance(string Partner, DateTimeOffset Received)
{
    /// <summary>True when the version was received redacted by its sender and is not proven in the sender's log
    /// (<see cref="ReceivedBatch.Redacted"/>).</summary>
    public bool Redacted { get; init; }
}

/// <summary>Evidence of an audit failure, kept for the operator's review.</summary>
/// <param name="Id">The evidence's id.</param>
/// <param name="Partner">The partner audited.</param>
/// <param name="Time">When it was found.</param>
/// <param name="Kind">What was found: <c>bad-signature</c>, <c>rollback</c>, <c>split-view</c>, <c>missing-object</c>, …</param>
/// <param name="Message">One sentence on what was found.</param>
/// <param name="Evidence">The material (both signed checkpoints, or the object and the proof answered), as UTF-8 text.</param>
public sealed record AuditEvidenceRecord(Guid Id, string Partner, DateTimeOffset Time, string Kind, string Message, ReadOnlyMemory<byte> Evidence);
