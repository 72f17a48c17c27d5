using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Stix.Signatures;

namespace Detente.Storage;

/// <summary>A partner node as the local operator registered it.</summary>
/// <remarks>
/// The node's sharing policy is built from these records (one partner per record, its tokens and client certificates
/// mapping to <see cref="Name"/>). Checked by the store when added (<see cref="Check"/>).
/// </remarks>
public sealed record PartnerRecord
{
    /// <summary>The partner's name, which is also the principal its tokens and client certificate authenticate as:
    /// 1–64 of <c>a-z 0-9 - _ .</c>, starting with a letter or digit.</summary>
    public required string Name { get; init; }

    /// <summary>The STIX id of the partner's <c>identity</c> object (<c>identity--…</c>).</summary>
    public required string Identity { get; init; }

    /// <summary>The partner's Ed25519 public key (32 bytes), which signs what it produces: the key it was registered with.
    /// <see cref="Keys"/> lists every key, this one among them, with its state.</summary>
    public required ReadOnlyMemory<byte> VerificationKey { get; init; }

    /// <summary>Every key of the partner (<see cref="VerificationKey"/> and those added since), oldest first, revoked ones
    /// included; filled by <see cref="IStore.ListPartnersAsync"/>, ignored by <see cref="IStore.AddPartnerAsync"/>.</summary>
    public IReadOnlyList<PartnerKeyRecord> Keys { get; init; } = [];

    /// <summary>The identities (<c>identity--…</c>) besides <see cref="Identity"/> whose objects the partner may send
    /// (<c>created_by_ref</c>), in order; filled by <see cref="IStore.ListPartnersAsync"/>, ignored by
    /// <see cref="IStore.AddPartnerAsync"/>.</summary>
    public IReadOnlyList<string> DelegatedIdentities { get; init; } = [];

    /// <summary>The partner node's TAXII URL, or null.</summary>
    public Uri? Url { get; init; }

    /// <summary>True when the operator wants every object received from the partner proven in its log: a version the
    /// partner's node serves redacted (which its log cannot prove) is then a <c>missing-object</c> alarm, not a version
    /// received redacted and unproven. Stored by <see cref="IStore.AddPartnerAsync"/> and
    /// <see cref="IStore.SetPartnerRefusesRedactedAsync"/>.</summary>
    public bool RefuseRedacted { get; init; }

    /// <summary>Checks the record: the problem, or null when it is acceptable.</summary>
    public string? Check()
    {
        if (!SharingNames.IsValid(Name))
        {
            return "A partner name is 1–64 of a-z 0-9 - _ . starting with a letter or digit.";
        }

        if (Identity is null || !StixId.TryParse(Identity, out StixId id) || id.Type != "identity")
        {
            return "A partner's identity is the id of a STIX identity object (identity--UUID).";
        }

        if (!StixVerificationKey.TryFromRawPublicKey(VerificationKey.Span, out _))
        {
            return "A partner's key is a valid 32-byte Ed25519 public key.";
        }

        if (Url is not null && (!Url.IsAbsoluteUri || Url.Scheme is not ("https" or "http") || Url.AbsoluteUri.Length > 2048))
        {
            return "A partner's URL is an absolute http or https URL of at most 2,048 characters.";
        }

        return null;
    }
}

/// <summary>One Ed25519 key of a partner and its state.</summary>
/// <param name="PublicKey">The 32-byte public key.</param>
/// <param name="Added">When it was added; null for the key the partner was registered with before keys had a history.</param>
/// <param name="NotAfter">The end of its validity, if any: from then on its signatures are refused.</param>
/// <param name="Revoked">When the operator revoked it, if so: from then on its signatures are refused.</param>
public sealed record PartnerKeyRecord(ReadOnlyMemory<byte> PublicKey, DateTimeOffset? Added, DateTimeOffset? NotAfter, DateTimeOffset? Revoked)
{
    /// <summary>The key id: lower-case hex SHA-256 of the public key.</summary>
    public string KeyId => StixVerificationKey.ComputeKeyId(PublicKey.Span);

    /// <summary>Whether signatures by the key are accepted at <paramref name="now"/>: not revoked, and before
    /// <see cref="NotAfter"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => Revoked is null && (NotAfter is null || now < NotAfter.Value);
}

/// <summary>A sharing group: a named set of partners, and the marking definition that names it on an object.</summary>
/// <param name="Name">The group's name, with the syntax of <see cref="PartnerRecord.Name"/>.</param>
/// <param name="MarkingDefinitionId">The <c>marking-definition--UUID</c> objects carry to name the group (not a TLP marking).</param>
/// <param name="Members">The names of the member partners, in order.</param>
public sealed record SharingGroupRecord(string Name, string MarkingDefinitionId, IReadOnlyList<string> Members)
{
    /// <summary>Checks the name and marking: the problem, or null when they are acceptable.</summary>
    public string? Check()
    {
        if (!SharingNames.IsValid(Name))
        {
            return "A sharing group name is 1–64 of a-z 0-9 - _ . starting with a letter or digit.";
        }

        if (MarkingDefinitionId is null || !StixId.TryParse(MarkingDefinitionId, out StixId id) || id.Type != "marking-definition")
        {
            return "A sharing group's marking is a marking-definition id (marking-definition--UUID).";
        }

        return TlpMarkings.TryGetTlp1Level(MarkingDefinitionId, out _) || TlpMarkings.TryGetTlp2Level(MarkingDefinitionId, out _) ? "A sharing group's marking may not be a TLP marking." : null;
    }
}

/// <summary>How one collection shares: the marking of objects without a TLP marking, and its partners.</summary>
/// <param name="CollectionId">The collection.</param>
/// <param name="DefaultMarkingId">The collection's <see cref="Collection.DefaultMarkingId"/>.</param>
/// <param name="Partners">The names of the collection's partners (the audience of <c>TLP:AMBER</c> without a sharing group).</param>
public sealed record CollectionSharingRecord(Guid CollectionId, string DefaultMarkingId, IReadOnlyList<string> Partners);

/// <summary>Everything the node's sharing policy is built from, read at one time.</summary>
/// <param name="Version">Increases with every change of partners, groups or collection sharing (see
/// <see cref="IStore.GetSharingVersionAsync"/>).</param>
/// <param name="Partners">Every partner, by name.</param>
/// <param name="SharingGroups">Every sharing group, by name.</param>
/// <param name="Collections">Every collection, by id.</param>
public sealed record SharingConfiguration(long Version, IReadOnlyList<PartnerRecord> Partners, IReadOnlyList<SharingGroupRecord> SharingGroups,
    IReadOnlyList<CollectionSharingRecord> Collections) 
{
    /// <summary>Every partner's egress rules, by partner name, each partner's in the order they were added (its rule
    /// numbers, from 1).</summary>
    public IReadOnlyList<PartnerRuleRecord> PartnerRules { get; init; } = [];

    /// <summary>The redaction paths (<see cref="RedactionPaths"/>), in order.</summary>
    public IReadOnlyList<string> RedactionPaths { get; init; } = [];

    /// <summary>The neutral marking definitions (<see cref="NeutralMarkings"/>), in order.</summary>
    public IReadOnlyList<string> NeutralMarkings { get; init; } = [];
}

/// <summary>A partner egress rule as the store keeps it: allow or deny a partner objects by type, label, collection,
/// confidence and age (the node's sharing policy applies it after TLP, so it only narrows; a matching deny wins).</summary>
/// <remarks>A condition left empty (or null) does not restrict; a rule without conditions matches every object.</remarks>
public sealed record PartnerRuleRecord
{
    /// <summary>The most values one list of a rule holds.</summary>
    public const int MaxValues = 64;

    /// <summary>The partner's name.</summary>
    public required string Partner { get; init; }

    /// <summary>True for an allow rule, false for a deny rule.</summary>
    public required bool Allow { get; init; }

    /// <summary>STIX type names; the rule matches objects of one of them.</summary>
    public IReadOnlyList<string> ObjectTypes { get; init; } = [];

    /// <summary>Labels; the rule matches objects with at least one of them.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Collection ids; the rule matches objects read from one of them.</summary>
    public IReadOnlyList<Guid> Collections { get; init; } = [];

    /// <summary>The lowest <c>confidence</c> (0–100) the rule matches.</summary>
    public int? MinConfidence { get; init; }

    /// <summary>The highest <c>confidence</c> (0–100) the rule matches.</summary>
    public int? MaxConfidence { get; init; }

    /// <summary>The least age (since <c>modified</c>, else <c>created</c>) the rule matches, in whole seconds.</summary>
    public TimeSpan? MinAge { get; init; }

    /// <summary>The greatest age the rule matches, in whole seconds.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>Why the store would refuse this rule, or null when it is acceptable.</summary>
    public string? Check()
    {
        if (!SharingNames.IsValid(Partner))
        {
            return "A partner name is 1–64 of a-z 0-9 - _ . starting with a letter or digit.";
        }

        if (ObjectTypes is null || Labels is null || Collections is null
            || ObjectTypes.Count > MaxValues || Labels.Count > MaxValues || Collections.Count > MaxValues)
        {
            return $"A rule lists at most {MaxValues} types, labels and collections each.";
        }

        if (ObjectTypes.Any(t => t is null || !StixType.IsValidTypeName(t)))
        {
            return "A rule's type is a STIX type name (3–250 of a-z 0-9 -).";
        }

        if (Labels.Any(l => string.IsNullOrEmpty(l) || l.Length > 250 || l.Any(char.IsControl)))
        {
            return "A rule's label is 1–250 characters without control characters.";
        }

        if (MinConfidence is < 0 or > 100 || MaxConfidence is < 0 or > 100 || MinConfidence > MaxConfidence)
        {
            return "A rule's confidence bounds are 0–100, the minimum not above the maximum.";
        }

        if (!IsAge(MinAge) || !IsAge(MaxAge) || MinAge > MaxAge)
        {
            return "A rule's ages are whole seconds, not negative, the minimum not above the maximum.";
        }

        return null;

        static bool IsAge(TimeSpan? age) => age is not { } a || (a >= TimeSpan.Zero && a.Ticks % TimeSpan.TicksPerSecond == 0);
    }
}

/// <summary>The syntax of redaction paths: the property paths the node may remove from an object whose part is marked
/// beyond what a reader may see (instead of withholding it whole).</summary>
public static class RedactionPaths
{
    private static readonly string[] s_protected =
        ["type", "id", "spec_version", "created", "modified", "object_marking_refs", "granular_markings", "extensions"];

    /// <summary>Why <paramref name="path"/> is not an acceptable redaction path, or null when it is: property names of
    /// <c>A-Z a-z 0-9 _ -</c> (1–250 each) joined by <c>.</c>, no list indices, not starting with a property every object
    /// needs (<c>type</c>, <c>id</c>, <c>spec_version</c>, <c>created</c>, <c>modified</c>, <c>object_marking_refs</c>,
    /// <c>granular_markings</c>, <c>extensions</c>).</summary>
    public static string? Check(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 1024)
        {
            return "A redaction path is 1–1,024 characters.";
        }

        string[] names = path.Split('.');
        if (names.Any(n => n.Length is 0 or > 250 || n.All(char.IsAsciiDigit) || !n.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return "A redaction path is property names of A-Z a-z 0-9 _ - joined by '.', without list indices.";
        }

        return s_protected.Contains(names[0], StringComparer.Ordinal)
            ? $"'{names[0]}' may not be redacted: every object needs it."
            : null;
    }
}

/// <summary>The marking definitions an operator declares neutral: markings that restrict no one (a copyright or terms-of-use
/// statement), which the sharing policy then ignores instead of reading them as the collection's default level.</summary>
public static class NeutralMarkings
{
    /// <summary>Why <paramref name="markingId"/> may not be declared neutral, or null when it may: it must be a
    /// <c>marking-definition--UUID</c> id, and not a TLP marking (TLP 1.0 or 2.0), whose meaning is fixed.</summary>
    public static string? Check(string? markingId)
    {
        if (markingId is null || !StixId.TryParse(markingId, out StixId id) || id.Type != "marking-definition")
        {
            return $"'{Printable(markingId)}' is not a marking-definition id (marking-definition--UUID).";
        }

        return TlpMarkings.TryGetTlp1Level(markingId, out string tlp1)
            ? $"{markingId} is the TLP 1.0 marking {tlp1}: TLP markings restrict sharing and cannot be neutral."
            : TlpMarkings.TryGetTlp2Level(markingId, out string tlp2)
                ? $"{markingId} is the TLP 2.0 marking {tlp2}: TLP markings restrict sharing and cannot be neutral."
                : null;
    }

    private static string Printable(string? value)
    {
        string shown = value is null ? string.Empty : value.Length > 100 ? value[..100] + "…" : value;
        return string.Concat(shown.Select(static c => char.IsControl(c) ? '?' : c));
    }
}

/// <summary>The outcome of a change to sharing settings. Anything but <see cref="Changed"/> changed nothing.</summary>
public enum SharingChange
{
    /// <summary>Changed.</summary>
    Changed = 0,

    /// <summary>It was so already (already a member; not a member).</summary>
    Unchanged = 1,

    /// <summary>No such partner.</summary>
    PartnerNotFound = 2,

    /// <summary>No such sharing group.</summary>
    GroupNotFound = 3,

    /// <summary>No such collection.</summary>
    CollectionNotFound = 4,

    /// <summary>A partner or group with that name exists, or another partner has that identity, or another group that marking;
    /// or a partner (this one or another) holds that key already.</summary>
    AlreadyExists = 5,

    /// <summary>The partner has no such key.</summary>
    KeyNotFound = 6,

    /// <summary>The key is the partner's last one that is not revoked: add another first, or remove the partner.</summary>
    LastKey = 7,
}

/// <summary>The syntax of partner and sharing-group names.</summary>
public static class SharingNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 64;

    /// <summary>True for 1–64 of <c>a-z 0-9 - _ .</c>, starting with a letter or digit.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.All(static c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');
}
