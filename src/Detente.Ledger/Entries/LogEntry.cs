using System.Security.Cryptography;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Ledger.Entries;

/// <summary>One log entry: a small canonical JSON record of one published, revoked or deleted object version.</summary>
/// <remarks>
/// <para>
/// The entry is the RFC 8785 (JCS) form of one of two records, and its leaf hash is the RFC 9162 leaf hash of those
/// bytes. The salted (default) form reveals nothing about the object to a reader without the salt:
/// </para>
/// <code>{"action":"publish","blinded_id":B64,"commitment":B64,"origin":ORIGIN,"time":TIME,"v":1}</code>
/// <para>
/// with <c>commitment = SHA-256(salt ‖ JCS(object))</c> and <c>blinded_id = SHA-256(salt ‖ 0x00 ‖
/// "detente/ledger/object-id/v1" ‖ 0x00 ‖ UTF-8(id))</c>, where salt is a fresh 32-byte CSPRNG value per entry and
/// JCS(object) is the canonical form of the object exactly as stored (signatures included). The byte after the salt
/// is <c>{</c> (0x7B) in every commitment input and 0x00 in every blinded-id input, so the two hashes are
/// domain-separated. The clear form, allowed only for TLP:CLEAR objects when the operator opts in, names the object:
/// </para>
/// <code>{"action":"publish","digest":B64,"object_id":ID,"origin":ORIGIN,"time":TIME,"v":1}</code>
/// <para>
/// with <c>digest = SHA-256(JCS(object))</c>. B64 is standard padded base64 (RFC 4648 §4) of 32 bytes; TIME is a
/// STIX timestamp in UTC with milliseconds; ORIGIN names the logging node (1–255 UTF-8 bytes, no control characters).
/// </para>
/// </remarks>
public sealed class LogEntry
{
    /// <summary>The length of a salt in bytes.</summary>
    public const int SaltSize = 32;

    /// <summary>The longest origin, in UTF-8 bytes.</summary>
    public const int MaxOriginBytes = 255;

    private static readonly byte[] s_idLabel = "detente/ledger/object-id/v1"u8.ToArray();
    private static readonly StixReader s_reader = new(new StixReaderLimits { MaxBytes = EntryBundle.MaxEntryBytes, MaxDepth = 2 });

    private LogEntry(string origin, LogAction action, StixTimestamp time, MerkleHash commitment, MerkleHash? blindedId, string? objectId, byte[] encoded)
    {
        Origin = origin;
        Action = action;
        Time = time;
        Commitment = commitment;
        BlindedId = blindedId;
        ObjectId = objectId;
        Encoded = encoded;
    }

    /// <summary>The node that logged the entry.</summary>
    public string Origin { get; }

    /// <summary>What happened to the object version.</summary>
    public LogAction Action { get; }

    /// <summary>When the node logged it (milliseconds, UTC).</summary>
    public StixTimestamp Time { get; }

    /// <summary>The salted commitment (salted form) or the plain digest (clear form) of the object's JCS bytes.</summary>
    public MerkleHash Commitment { get; }

    /// <summary>The salted hash of the object id; null in the clear form.</summary>
    public MerkleHash? BlindedId { get; }

    /// <summary>The object id; only in the clear form.</summary>
    public string? ObjectId { get; }

    /// <summary>True for the clear form (TLP:CLEAR objects only).</summary>
    public bool IsClear => ObjectId is not null;

    /// <summary>The entry's bytes, as bundled and hashed (JCS).</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    /// <summary>The RFC 9162 leaf hash of <see cref="Encoded"/>.</summary>
    public MerkleHash LeafHash => MerkleHasher.HashLeaf(Encoded.Span);

    /// <summary>Creates a salted entry for <paramref name="stixObject"/> with a fresh salt, which the caller keeps with the object.</summary>
    /// <exception cref="ArgumentException">The origin is empty, too long or holds control characters, or the object has no id or cannot be canonicalized.</exception>
    public static LogEntry CreateSalted(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, out byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        salt = RandomNumberGenerator.GetBytes(SaltSize);
        return CreateSalted(origin, action, time, stixObject, salt);
    }

    /// <summary>Creates a salted entry with a given salt (for tests and for re-creating an entry; new entries take a fresh salt).</summary>
    /// <exception cref="ArgumentException">The salt is not 32 bytes, the origin is invalid, or the object has no id or cannot be canonicalized.</exception>
    public static LogEntry CreateSalted(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        CheckOrigin(origin);
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException("A salt is 32 bytes.", nameof(salt));
        }

        string id = stixObject.Id ?? throw new ArgumentException("The object has no id.", nameof(stixObject));
        MerkleHash commitment = Commit(stixObject, salt);
        MerkleHash blinded = BlindId(id, salt);
        StixTimestamp stamp = StixTimestamp.FromDateTimeOffset(time, 3);
        byte[] encoded = JsonCanonicalizer.Canonicalize(JsonObject.Create(
            ("v", 1), ("origin", origin), ("action", ActionName(action)), ("time", stamp.ToString()),
            ("commitment", commitment.ToBase64()), ("blinded_id", blinded.ToBase64())));
        return new LogEntry(origin, action, stamp, commitment, blinded, null, encoded);
    }

    /// <summary>Creates a clear entry, which names the object; only for objects marked TLP:CLEAR.</summary>
    /// <remarks>
    /// The object must carry the TLP 2.0 CLEAR (or TLP 1.0 WHITE) marking in <c>object_marking_refs</c>, no other TLP
    /// marking, and no granular markings (which could mark part of it otherwise).
    /// </remarks>
    /// <exception cref="ArgumentException">The object is not marked TLP:CLEAR as above, has no id, or the origin is invalid.</exception>
    public static LogEntry CreateClear(string origin, LogAction action, DateTimeOffset time, StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        CheckOrigin(origin);
        if (!IsTlpClear(stixObject))
        {
            throw new ArgumentException("Only an object marked TLP:CLEAR (and nothing stricter) may be logged in the clear.", nameof(stixObject));
        }

        string id = stixObject.Id ?? throw new ArgumentException("The object has no id.", nameof(stixObject));
        MerkleHash digest = new(SHA256.HashData(stixObject.Canonicalize()));
        StixTimestamp stamp = StixTimestamp.FromDateTimeOffset(time, 3);
        byte[] encoded = JsonCanonicalizer.Canonicalize(JsonObject.Create(
            ("v", 1), ("origin", origin), ("action", ActionName(action)), ("time", stamp.ToString()),
            ("digest", digest.ToBase64()), ("object_id", id)));
        return new LogEntry(origin, action, stamp, digest, null, id, encoded);
    }

    /// <summary>True when this entry records <paramref name="stixObject"/>: with its salt for a salted entry, with an empty salt for a clear one.</summary>
    /// <remarks>What a partner who received the object and its salt checks, besides the entry's inclusion proof.</remarks>
    public bool Matches(StixObject stixObject, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        string? id = stixObject.Id;
        if (id is null)
        {
            return false;
        }

        if (IsClear)
        {
            return salt.IsEmpty && string.Equals(id, ObjectId, StringComparison.Ordinal)
                && new MerkleHash(SHA256.HashData(stixObject.Canonicalize())) == Commitment;
        }

        return salt.Length == SaltSize && Commit(stixObject, salt) == Commitment && BlindId(id, salt) == BlindedId;
    }

    /// <summary>The salted commitment SHA-256(salt ‖ JCS(object)).</summary>
    public static MerkleHash Commit(StixObject stixObject, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(salt);
        sha.AppendData(stixObject.Canonicalize());
        return new MerkleHash(sha.GetHashAndReset());
    }

    /// <summary>The blinded id SHA-256(salt ‖ 0x00 ‖ "detente/ledger/object-id/v1" ‖ 0x00 ‖ UTF-8(id)).</summary>
    public static MerkleHash BlindId(string id, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(salt);
        sha.AppendData([0x00]);
        sha.AppendData(s_idLabel);
        sha.AppendData([0x00]);
        sha.AppendData(Encoding.UTF8.GetBytes(id));
        return new MerkleHash(sha.GetHashAndReset());
    }

    /// <summary>Reads an entry, which must be exactly the canonical bytes of one of the two records.</summary>
    /// <exception cref="LedgerFormatException">The bytes are not a canonical entry of either form.</exception>
    public static LogEntry Parse(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > EntryBundle.MaxEntryBytes)
        {
            ThrowHelper.Format("An entry is at most 65,535 bytes.", 0);
        }

        JsonObject json;
        try
        {
            json = s_reader.Parse(encoded) as JsonObject ?? ThrowHelper.Format<JsonObject>("An entry is a JSON object.", 0);
        }
        catch (StixFormatException e)
        {
            throw new LedgerFormatException($"The entry is not readable JSON: {e.Message}", e.BytePosition, e);
        }

        if (!JsonCanonicalizer.Canonicalize(json).AsSpan().SequenceEqual(encoded))
        {
            ThrowHelper.Format("The entry is not in canonical (RFC 8785) form.", 0);
        }

        bool clear = json.ContainsKey("object_id");
        string[] names = clear ? ["action", "digest", "object_id", "origin", "time", "v"] : ["action", "blinded_id", "commitment", "origin", "time", "v"];
        if (json.Count != names.Length || !names.All(json.ContainsKey))
        {
            ThrowHelper.Format($"An entry has exactly the members {string.Join(", ", names)}.", 0);
        }

        if (json["v"] is not JsonNumber { Value: 1 })
        {
            ThrowHelper.Format("The entry version 'v' is not 1.", 0);
        }

        string origin = json.GetString("origin") ?? ThrowHelper.Format<string>("'origin' is not a string.", 0);
        if (!IsValidOrigin(origin))
        {
            ThrowHelper.Format("'origin' is empty, longer than 255 bytes or holds control characters.", 0);
        }

        LogAction action = json.GetString("action") switch
        {
            "publish" => LogAction.Publish,
            "revoke" => LogAction.Revoke,
            "delete" => LogAction.Delete,
            _ => ThrowHelper.Format<LogAction>("'action' is not publish, revoke or delete.", 0),
        };
        string? timeText = json.GetString("time");
        if (!StixTimestamp.TryParse(timeText, out StixTimestamp time) || time.FractionDigits != 3)
        {
            ThrowHelper.Format("'time' is not a STIX timestamp with milliseconds.", 0);
        }

        byte[] copy = encoded.ToArray();
        if (clear)
        {
            string? id = json.GetString("object_id");
            if (!StixId.TryParse(id, out _))
            {
                ThrowHelper.Format("'object_id' is not a STIX identifier.", 0);
            }

            return new LogEntry(origin, action, time, ReadHash(json, "digest"), null, id, copy);
        }

        return new LogEntry(origin, action, time, ReadHash(json, "commitment"), ReadHash(json, "blinded_id"), null, copy);
    }

    /// <summary>The entry's text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Encoded.Span);

    private static MerkleHash ReadHash(JsonObject json, string name) =>
        MerkleHash.TryParseBase64(json.GetString(name), out MerkleHash hash)
            ? hash
            : ThrowHelper.Format<MerkleHash>($"'{name}' is not the canonical base64 of 32 bytes.", 0);

    private static string ActionName(LogAction action) => action switch
    {
        LogAction.Publish => "publish",
        LogAction.Revoke => "revoke",
        LogAction.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    private static void CheckOrigin(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (!IsValidOrigin(origin))
        {
            throw new ArgumentException("An origin is 1 to 255 UTF-8 bytes without control characters.", nameof(origin));
        }
    }

    private static bool IsValidOrigin(string origin)
    {
        if (origin.Length == 0 || Encoding.UTF8.GetByteCount(origin) > MaxOriginBytes)
        {
            return false;
        }

        foreach (char c in origin)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTlpClear(StixObject stixObject)
    {
        if (stixObject.GranularMarkings is { Count: > 0 })
        {
            return false;
        }

        bool clear = false;
        foreach (string marking in stixObject.ObjectMarkingRefs)
        {
            if (marking is TlpMarkings.Tlp2Clear or TlpMarkings.Tlp1White)
            {
                clear = true;
            }
            else if (TlpMarkings.TryGetTlp2Level(marking, out _) || TlpMarkings.TryGetTlp1Level(marking, out _))
            {
                return false;
            }
        }

        return clear;
    }
}
