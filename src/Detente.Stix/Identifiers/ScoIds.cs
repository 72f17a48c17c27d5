using System.Collections.ObjectModel;
using System.Globalization;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Stix.Identifiers;

/// <summary>Deterministic identifiers of STIX Cyber-observable Objects (SCOs).</summary>
/// <remarks>
/// <para>
/// STIX 2.1 §2.9: an SCO's id is <c>type--UUIDv5</c> in the namespace <c>00abedb4-aa42-466c-9c01-fed23315a9b7</c>,
/// the name being the RFC 8785 (JCS) form of a JSON object holding those of the type's "ID Contributing Properties"
/// that are present. When none is present the producer uses a random UUIDv4, so <see cref="Compute"/> reports
/// <see cref="ScoIdStatus.NoContributingProperties"/> instead of inventing one.
/// </para>
/// <para>
/// The result is what the OASIS reference producer (<c>oasis-open/cti-python-stix2</c>, <c>_Observable._generate_id</c>)
/// computes for the same object. Like it, this class applies these rules before canonicalizing:
/// </para>
/// <list type="bullet">
/// <item><c>hashes</c> (top level only) contributes ONE hash: the first present of <c>MD5</c>, <c>SHA-1</c>,
/// <c>SHA-256</c>, <c>SHA-512</c>, else the first member as written (member order matters only in that case).</item>
/// <item>Hash algorithm names, in <c>hashes</c> and in the hash dictionaries of the <c>ntfs-ext</c> and
/// <c>windows-pebinary-ext</c> extensions, are first mapped to the spec's spelling when they name a
/// <c>hash-algorithm-ov</c> algorithm in another spelling (<c>sha256</c>, <c>Sha-256</c>, <c>SHA256</c> → <c>SHA-256</c>).</item>
/// <item>Timestamps (<c>network-traffic</c> <c>start</c> and <c>end</c>; <c>windows-pebinary-ext</c> <c>time_date_stamp</c>)
/// are rewritten as the reference writes them: sub-second digits without trailing zeros (none for
/// <c>time_date_stamp</c>, which has second precision); more than six sub-second digits are refused.</item>
/// <item><c>extensions</c> contributes whole, every extension included (spec-defined, <c>x-</c> custom, and
/// <c>extension-definition--</c> ones), and an empty <c>extensions</c> object contributes too. Properties not in
/// the type's list (custom <c>x_</c> properties included) never contribute.</item>
/// </list>
/// <para>
/// The object is assumed to be valid STIX; only what must be read is checked. A Detente signature (a property extension
/// in <c>extensions</c>) changes what a reference consumer computes for <c>file</c> and <c>network-traffic</c>: compute
/// the id of the unsigned object (<c>Detente.Stix.Signatures.StixSignatures.Unsigned</c>), as the signer did.
/// </para>
/// <para>
/// The ID contributing properties are those of STIX 2.1 OS §6 (each SCO's "ID Contributing Properties"), the same
/// lists as python-stix2's <c>_id_contributing_properties</c>, read from the catalog that also drives validation.
/// Note that <c>email-message</c>'s are <c>from_ref</c>, <c>subject</c> and <c>body</c> (not <c>date</c>).
/// </para>
/// </remarks>
public static class ScoIds
{
    // The lists are those of the catalog the validator walks (Schema/ScoTypes.cs), the one place they are written.
    private static readonly Dictionary<string, ReadOnlyCollection<string>> s_contributing = BuildContributing();

    /// <summary>The largest buffer kept for the next call on the same thread.</summary>
    private const int MaxCachedBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The namespace of SCO identifiers: <c>00abedb4-aa42-466c-9c01-fed23315a9b7</c>.</summary>
    /// <remarks>STIX 2.1 §2.9; no other object may use it.</remarks>
    public static Guid Namespace { get; } = new("00abedb4-aa42-466c-9c01-fed23315a9b7");

    /// <summary>The SCO types defined by STIX 2.1 §6, whose ID contributing properties are known.</summary>
    public static IReadOnlyCollection<string> KnownTypes => s_contributing.Keys;

    /// <summary>
    /// The ID contributing properties of <paramref name="scoType"/>; empty for <c>process</c> (always a random id);
    /// null when the type is not an SCO type defined by STIX 2.1.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="scoType"/> is null.</exception>
    public static IReadOnlyList<string>? ContributingProperties(string scoType)
    {
        ArgumentNullException.ThrowIfNull(scoType);
        return s_contributing.TryGetValue(scoType, out ReadOnlyCollection<string>? list) ? list : null;
    }

    /// <summary>Computes the deterministic identifier of <paramref name="sco"/>.</summary>
    /// <returns>True with <paramref name="id"/> set when there is one; false otherwise (see <see cref="Compute"/> for why).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sco"/> is null.</exception>
    public static bool TryCompute(StixObject sco, out StixId id)
    {
        ScoIdResult result = Compute(sco);
        id = result.Id.GetValueOrDefault();
        return result.IsComputed;
    }

    /// <summary>Computes the deterministic identifier of <paramref name="sco"/>, or says why there is none.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="sco"/> is null.</exception>
    public static ScoIdResult Compute(StixObject sco)
    {
        ArgumentNullException.ThrowIfNull(sco);
        ScoIdResult? failure = TryBuildName(sco, out JsonObject? name);
        if (failure is not null)
        {
            return failure.Value;
        }

        // A per-thread buffer for the canonical name. Bench: Stix/StixValidationBenchmarks.Validate
        System.Buffers.ArrayBufferWriter<byte> canonical = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(512);
        canonical.ResetWrittenCount();
        try
        {
            try
            {
                JsonCanonicalizer.Canonicalize(name!, canonical);
            }
            catch (ArgumentException e)
            {
                return ScoIdResult.Invalid(null, e.Message);
            }

            return ScoIdResult.Computed(new StixId(sco.Type!, NameBasedUuid.Create(Namespace, canonical.WrittenSpan)));
        }
        finally
        {
            // One huge object (a 32 MiB artifact payload_bin) must not pin a buffer that large to the thread for good.
            if (canonical.Capacity > MaxCachedBufferBytes)
            {
                t_buffer = null;
            }
        }
    }

    /// <summary>Builds the JSON object whose JCS form is the UUIDv5 name; returns a failure, or null with <paramref name="name"/> set.</summary>
    internal static ScoIdResult? TryBuildName(StixObject sco, out JsonObject? name)
    {
        name = null;
        string? type = sco.Type;
        if (type is null || !s_contributing.TryGetValue(type, out ReadOnlyCollection<string>? properties))
        {
            return ScoIdResult.UnknownType(type);
        }

        var members = new List<KeyValuePair<string, JsonValue>>(properties.Count);
        foreach (string property in properties)
        {
            if (!sco.Json.TryGetValue(property, out JsonValue? value))
            {
                continue;
            }

            if (value.Kind == JsonKind.Null)
            {
                return ScoIdResult.Invalid(property, $"'{property}' is null; STIX properties are never null.");
            }

            ScoIdResult? failure = Normalize(type, property, ref value);
            if (failure is not null)
            {
                return failure;
            }

            members.Add(new KeyValuePair<string, JsonValue>(property, value));
        }

        if (members.Count == 0)
        {
            return ScoIdResult.NoContributingProperties(type);
        }

        name = JsonObject.Create(members);
        return null;
    }

    private static ScoIdResult? Normalize(string type, string property, ref JsonValue value)
    {
        switch (property)
        {
            case "hashes":
                if (value is not JsonObject hashes || hashes.Count == 0)
                {
                    return ScoIdResult.Invalid(property, "'hashes' must be a non-empty dictionary.");
                }

                value = ChooseOneHash(HashNames.Normalize(hashes));
                return null;

            case "start" or "end" when type == "network-traffic":
                return NormalizeTimestamp(property, ref value, keepFraction: true);

            case "extensions":
                return value is JsonObject extensions ? NormalizeExtensions(extensions, ref value) : null;

            default:
                return null;
        }
    }

    private static JsonObject ChooseOneHash(JsonObject hashes)
    {
        // python-stix2 base._choose_one_hash: a fixed preference, else the first hash as written.
        foreach (string preferred in (ReadOnlySpan<string>)["MD5", "SHA-1", "SHA-256", "SHA-512"])
        {
            if (hashes.TryGetValue(preferred, out JsonValue? hash))
            {
                return JsonObject.Create((preferred, hash));
            }
        }

        return JsonObject.Create((hashes[0].Key, hashes[0].Value));
    }

    private static ScoIdResult? NormalizeExtensions(JsonObject extensions, ref JsonValue value)
    {
        JsonObject result = extensions;
        if (result["windows-pebinary-ext"] is JsonObject pe)
        {
            JsonObject normalized = NormalizeHashesMember(pe, "file_header_hashes");
            if (normalized["optional_header"] is JsonObject header)
            {
                normalized = normalized.With("optional_header", NormalizeHashesMember(header, "hashes"));
            }

            if (normalized["sections"] is JsonArray sections)
            {
                normalized = normalized.With("sections", NormalizeEach(sections));
            }

            if (normalized.TryGetValue("time_date_stamp", out JsonValue? stamp))
            {
                ScoIdResult? failure = NormalizeTimestamp("extensions", ref stamp, keepFraction: false);
                if (failure is not null)
                {
                    return failure;
                }

                normalized = normalized.With("time_date_stamp", stamp);
            }

            result = result.With("windows-pebinary-ext", normalized);
        }

        if (result["ntfs-ext"] is JsonObject ntfs && ntfs["alternate_data_streams"] is JsonArray streams)
        {
            result = result.With("ntfs-ext", ntfs.With("alternate_data_streams", NormalizeEach(streams)));
        }

        value = result;
        return null;
    }

    private static JsonArray NormalizeEach(JsonArray items)
    {
        var list = new JsonValue[items.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = items[i] is JsonObject o ? NormalizeHashesMember(o, "hashes") : items[i];
        }

        return JsonArray.Create(list);
    }

    private static JsonObject NormalizeHashesMember(JsonObject owner, string member) =>
        owner[member] is JsonObject hashes ? owner.With(member, HashNames.Normalize(hashes)) : owner;

    private static ScoIdResult? NormalizeTimestamp(string property, ref JsonValue value, bool keepFraction)
    {
        // python-stix2 parses with "%Y-%m-%dT%H:%M:%S[.%f]Z" (at most six sub-second digits) and writes
        // strftime("%Y-%m-%dT%H:%M:%S") (CPython on glibc does not pad years below 1000), then the sub-second
        // digits without trailing zeros, then "Z".
        if (value is not JsonString s || !StixTimestamp.TryParse(s.Value, out StixTimestamp timestamp))
        {
            return ScoIdResult.Invalid(property, $"'{property}' holds a value that is not a STIX timestamp.");
        }

        if (timestamp.FractionDigits > 6)
        {
            return ScoIdResult.Invalid(property, $"'{property}' has more than six sub-second digits, which the reference producer refuses.");
        }

        string text = s.Value;
        int year = int.Parse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture);
        string fraction = keepFraction && text.Length > 20 ? text[20..^1].TrimEnd('0') : string.Empty;
        value = string.Concat(
            year.ToString(CultureInfo.InvariantCulture),
            text.AsSpan(4, 15),
            fraction.Length > 0 ? "." + fraction : string.Empty,
            "Z");
        return null;
    }

    private static Dictionary<string, ReadOnlyCollection<string>> BuildContributing()
    {
        var types = new List<string>();
        foreach (string type in StixCatalog.Types)
        {
            if (StixCatalog.GetCategory(type) == StixCategory.Sco)
            {
                types.Add(type);
            }
        }

        types.Sort(StringComparer.Ordinal); // KnownTypes lists them in name order

        var contributing = new Dictionary<string, ReadOnlyCollection<string>>(types.Count, StringComparer.Ordinal);
        foreach (string type in types)
        {
            StixCatalog.TryGetType(type, out TypeSpec? spec);
            contributing.Add(type, Array.AsReadOnly(spec!.IdContributing));
        }

        return contributing;
    }
}
