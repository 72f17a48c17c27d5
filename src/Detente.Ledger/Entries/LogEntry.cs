using System.Security.Cryptography;
using System.Text;
using Detente.Ledger.Merkle;
using Detente.Ledger.Tiles;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Schema;

namespace Detente.Ledger.Entries;

/// <summary>One log entry: a small canonical JSON record of one published, revoked or deleted object version, or of a
/// record not tied to an object (a PSI session).</summary>
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
/// <para>
/// A record not tied to an object (<see cref="LogAction.PsiSession"/>) has the salted form only, with
/// <c>commitment = SHA-256(salt ‖ JCS(record))</c> for the record's JSON object and <c>blinded_id = SHA-256(salt ‖ 0x00 ‖
/// "detente/ledger/psi-session-id/v1" ‖ 0x00 ‖ UTF-8(session id))</c>: its own label, so that a blinded session id is
/// never a blinded object id.
/// </para>
/// </remarks>
public sealed class LogEntry
{
    /// <summary>The length of a salt in bytes.</summary>
    public const int SaltSize = 32;

    /// <summary>The longest origin, in UTF-8 bytes.</summary>
    public const int MaxOriginBytes = 255;

    private static readonly byte[] s_idLabel = "detente/ledger/object-id/v1"u8.ToArray();
    private static readonly byte[] s_psiSessionLabel = "detente/ledger/psi-session-id/v1"u8.ToArray();
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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

    /// <summary>The salted hash of the object id (or of the record id); null in the clear form.</summary>
    public MerkleHash? BlindedId { get; }

    /// <summary>The object id; only in the clear form.</summary>
    public string? ObjectId { get; }

    /// <summary>True for the clear form (TLP:CLEAR objects only).</summary>
    public bool IsClear => ObjectId is not null;

    /// <summary>True when the entry records something other than an object version (<see cref="IsRecordAction"/>).</summary>
    public bool IsRecord => IsRecordAction(Action);

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

    /// <summary>Creates a salted entry for <paramref name="stixObject"/> with a fresh salt, committing to
    /// <paramref name="canonicalJson"/>, the object's RFC 8785 form, which the caller has already (the store keeps an object
    /// it signed in that form), so that the object is not canonicalized again.</summary>
    /// <remarks><paramref name="canonicalJson"/> must be exactly <c>stixObject.Canonicalize()</c>; debug builds check it.</remarks>
    /// <exception cref="ArgumentException">The origin is invalid, or the object has no id.</exception>
    public static LogEntry CreateSalted(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> canonicalJson,
        out byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        CheckCanonical(stixObject, canonicalJson);
        salt = RandomNumberGenerator.GetBytes(SaltSize);
        return CreateSaltedCore(origin, action, time, stixObject, canonicalJson, salt);
    }

    /// <summary>Creates a salted entry committing to <paramref name="canonicalJson"/> (the object's RFC 8785 form, which the
    /// caller has already) with <paramref name="salt"/>, 32 bytes the caller drew fresh from the OS CSPRNG for this entry alone
    /// (a store appending a batch draws the salts of the whole batch in one call).</summary>
    /// <remarks><paramref name="canonicalJson"/> must be exactly <c>stixObject.Canonicalize()</c>; debug builds check it.
    /// Never reuse a salt: the salt is what keeps the commitment and the blinded id from confirming guesses.</remarks>
    /// <exception cref="ArgumentException">The salt is not 32 bytes, the origin is invalid, or the object has no id.</exception>
    public static LogEntry CreateSalted(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> canonicalJson,
        ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        CheckCanonical(stixObject, canonicalJson);
        return CreateSaltedCore(origin, action, time, stixObject, canonicalJson, salt);
    }

    /// <summary>Creates a salted entry with a given salt (for tests and for re-creating an entry; new entries take a fresh salt).</summary>
    /// <exception cref="ArgumentException">The salt is not 32 bytes, the origin is invalid, or the object has no id or cannot be canonicalized.</exception>
    public static LogEntry CreateSalted(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        return CreateSaltedCore(origin, action, time, stixObject, stixObject.Canonicalize(), salt);
    }

    private static LogEntry CreateSaltedCore(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> canonicalJson,
        ReadOnlySpan<byte> salt)
    {
        CheckOrigin(origin);
        CheckObjectAction(action);
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException("A salt is 32 bytes.", nameof(salt));
        }

        string id = stixObject.Id ?? throw new ArgumentException("The object has no id.", nameof(stixObject));
        MerkleHash commitment = CommitCanonical(canonicalJson, salt);
        MerkleHash blinded = BlindId(id, salt);
        StixTimestamp stamp = StixTimestamp.FromDateTimeOffset(time, 3);
        byte[] encoded = EncodeSalted(origin, ActionName(action), stamp.ToString(), commitment, blinded);
        return new LogEntry(origin, action, stamp, commitment, blinded, null, encoded);
    }

    /// <summary>The JCS bytes of a salted entry, written directly in JCS member order when no string needs an escape
    /// (the usual case: an ASCII origin), else through the canonicalizer; both give the same bytes.</summary>
    internal static byte[] EncodeSalted(string origin, string action, string time, MerkleHash commitment, MerkleHash blinded)
    {
        if (!IsPlainAscii(origin) || !IsPlainAscii(action) || !IsPlainAscii(time))
        {
            return JsonCanonicalizer.Canonicalize(JsonObject.Create(
                ("v", 1), ("origin", origin), ("action", action), ("time", time),
                ("commitment", commitment.ToBase64()), ("blinded_id", blinded.ToBase64())));
        }

        const int HashChars = 44; // padded base64 of 32 bytes
        ReadOnlySpan<byte> p1 = "{\"action\":\""u8;
        ReadOnlySpan<byte> p2 = "\",\"blinded_id\":\""u8;
        ReadOnlySpan<byte> p3 = "\",\"commitment\":\""u8;
        ReadOnlySpan<byte> p4 = "\",\"origin\":\""u8;
        ReadOnlySpan<byte> p5 = "\",\"time\":\""u8;
        ReadOnlySpan<byte> p6 = "\",\"v\":1}"u8;
        byte[] bytes = new byte[p1.Length + action.Length + p2.Length + HashChars + p3.Length + HashChars + p4.Length + origin.Length
            + p5.Length + time.Length + p6.Length];
        var at = new Span<byte>(bytes);
        Put(ref at, p1);
        at = at[Encoding.ASCII.GetBytes(action, at)..];
        Put(ref at, p2);
        _ = System.Buffers.Text.Base64.EncodeToUtf8(blinded.Bytes, at, out _, out int written);
        at = at[written..];
        Put(ref at, p3);
        _ = System.Buffers.Text.Base64.EncodeToUtf8(commitment.Bytes, at, out _, out written);
        at = at[written..];
        Put(ref at, p4);
        at = at[Encoding.ASCII.GetBytes(origin, at)..];
        Put(ref at, p5);
        at = at[Encoding.ASCII.GetBytes(time, at)..];
        Put(ref at, p6);
        return bytes;

        static void Put(ref Span<byte> at, ReadOnlySpan<byte> literal)
        {
            literal.CopyTo(at);
            at = at[literal.Length..];
        }
    }

    /// <summary>True when every character is printable ASCII other than a quote and a backslash, so JCS writes the string as it is.</summary>
    private static bool IsPlainAscii(string text)
    {
        foreach (char c in text)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
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
        return CreateClearCore(origin, action, time, stixObject, stixObject.Canonicalize());
    }

    /// <summary>Creates a clear entry as <see cref="CreateClear(string, LogAction, DateTimeOffset, StixObject)"/> does, from
    /// <paramref name="canonicalJson"/>, the object's RFC 8785 form, which the caller has already.</summary>
    /// <remarks><paramref name="canonicalJson"/> must be exactly <c>stixObject.Canonicalize()</c>; debug builds check it.</remarks>
    /// <exception cref="ArgumentException">The object is not marked TLP:CLEAR as above, has no id, or the origin is invalid.</exception>
    public static LogEntry CreateClear(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> canonicalJson)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        CheckCanonical(stixObject, canonicalJson);
        return CreateClearCore(origin, action, time, stixObject, canonicalJson);
    }

    private static LogEntry CreateClearCore(string origin, LogAction action, DateTimeOffset time, StixObject stixObject, ReadOnlySpan<byte> canonicalJson)
    {
        CheckOrigin(origin);
        CheckObjectAction(action);
        if (!IsTlpClear(stixObject))
        {
            throw new ArgumentException("Only an object marked TLP:CLEAR (and nothing stricter) may be logged in the clear.", nameof(stixObject));
        }

        string id = stixObject.Id ?? throw new ArgumentException("The object has no id.", nameof(stixObject));
        MerkleHash digest = new(SHA256.HashData(canonicalJson));
        StixTimestamp stamp = StixTimestamp.FromDateTimeOffset(time, 3);
        byte[] encoded = JsonCanonicalizer.Canonicalize(JsonObject.Create(
            ("v", 1), ("origin", origin), ("action", ActionName(action)), ("time", stamp.ToString()),
            ("digest", digest.ToBase64()), ("object_id", id)));
        return new LogEntry(origin, action, stamp, digest, null, id, encoded);
    }

    /// <summary>True for an action whose entries commit to a record of their own, not to an object version.</summary>
    public static bool IsRecordAction(LogAction action) => action == LogAction.PsiSession;

    /// <summary>Creates a salted entry for a record not tied to an object (a PSI session), with a fresh salt, which the caller keeps with the record.</summary>
    /// <param name="origin">The logging node.</param>
    /// <param name="action">A record action (<see cref="LogAction.PsiSession"/>).</param>
    /// <param name="time">When the node logs it.</param>
    /// <param name="recordId">The record's id (the session id), blinded in the entry.</param>
    /// <param name="record">The record; the entry commits to its JCS form.</param>
    /// <param name="salt">The fresh 32-byte salt.</param>
    /// <exception cref="ArgumentException">The action is not a record action, the id is empty, or the origin is invalid.</exception>
    public static LogEntry CreateRecord(string origin, LogAction action, DateTimeOffset time, string recordId, JsonObject record, out byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(record);
        salt = RandomNumberGenerator.GetBytes(SaltSize);
        return CreateRecord(origin, action, time, recordId, record, salt);
    }

    /// <summary>Creates a salted record entry with a given salt (for tests and for re-creating an entry; new entries take a fresh salt).</summary>
    /// <exception cref="ArgumentException">The salt is not 32 bytes, the action is not a record action, the id is empty, or the origin is invalid.</exception>
    public static LogEntry CreateRecord(string origin, LogAction action, DateTimeOffset time, string recordId, JsonObject record, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(recordId);
        CheckOrigin(origin);
        if (!IsRecordAction(action))
        {
            throw new ArgumentException("Only a record action (psi-session) logs a record; objects are logged with CreateSalted or CreateClear.", nameof(action));
        }

        if (salt.Length != SaltSize)
        {
            throw new ArgumentException("A salt is 32 bytes.", nameof(salt));
        }

        MerkleHash commitment = CommitRecord(record, salt);
        MerkleHash blinded = BlindRecordId(action, recordId, salt);
        StixTimestamp stamp = StixTimestamp.FromDateTimeOffset(time, 3);
        byte[] encoded = EncodeSalted(origin, ActionName(action), stamp.ToString(), commitment, blinded);
        return new LogEntry(origin, action, stamp, commitment, blinded, null, encoded);
    }

    /// <summary>True when this record entry commits to <paramref name="record"/> and <paramref name="recordId"/> with <paramref name="salt"/>.</summary>
    /// <remarks>What a party of a PSI session checks with the record and salt it was given, besides the entry's inclusion proof.</remarks>
    public bool MatchesRecord(JsonObject record, string recordId, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(recordId);
        return IsRecord && salt.Length == SaltSize && CommitRecord(record, salt) == Commitment && BlindRecordId(Action, recordId, salt) == BlindedId;
    }

    /// <summary>True when this record entry commits to the record whose canonical (JCS) bytes are <paramref name="canonicalRecord"/>,
    /// to <paramref name="recordId"/> and to <paramref name="salt"/>.</summary>
    /// <remarks>For a verifier that received the record's bytes (a proof); the commitment is over exactly these bytes.</remarks>
    public bool MatchesRecord(ReadOnlySpan<byte> canonicalRecord, string recordId, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        if (!IsRecord || salt.Length != SaltSize)
        {
            return false;
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(salt);
        sha.AppendData(canonicalRecord);
        return new MerkleHash(sha.GetHashAndReset()) == Commitment && BlindRecordId(Action, recordId, salt) == BlindedId;
    }

    /// <summary>The salted commitment SHA-256(salt ‖ JCS(record)) of a record.</summary>
    public static MerkleHash CommitRecord(JsonObject record, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(salt);
        sha.AppendData(JsonCanonicalizer.Canonicalize(record));
        return new MerkleHash(sha.GetHashAndReset());
    }

    /// <summary>The blinded record id SHA-256(salt ‖ 0x00 ‖ label ‖ 0x00 ‖ UTF-8(id)); the label of <see cref="LogAction.PsiSession"/> is
    /// <c>"detente/ledger/psi-session-id/v1"</c>.</summary>
    /// <exception cref="ArgumentException">The action is not a record action.</exception>
    public static MerkleHash BlindRecordId(LogAction action, string recordId, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        if (!IsRecordAction(action))
        {
            throw new ArgumentException("Not a record action.", nameof(action));
        }

        return Blind(s_psiSessionLabel, recordId, salt);
    }

    /// <summary>True when this entry records <paramref name="stixObject"/>: with its salt for a salted entry, with an empty salt for a clear one.</summary>
    /// <remarks>What a partner who received the object and its salt checks, besides the entry's inclusion proof.</remarks>
    public bool Matches(StixObject stixObject, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        string? id = stixObject.Id;
        if (id is null || IsRecord)
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

    /// <summary>True when this entry records the object <paramref name="objectId"/> whose RFC 8785 form is
    /// <paramref name="canonicalJson"/>: <see cref="Matches(StixObject, ReadOnlySpan{byte})"/> for a caller that has the
    /// canonical bytes already (they must be the object's JCS form; nothing here checks it).</summary>
    public bool MatchesCanonical(string objectId, ReadOnlySpan<byte> canonicalJson, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        if (IsRecord)
        {
            return false;
        }

        if (IsClear)
        {
            return salt.IsEmpty && string.Equals(objectId, ObjectId, StringComparison.Ordinal)
                && new MerkleHash(SHA256.HashData(canonicalJson)) == Commitment;
        }

        return salt.Length == SaltSize && CommitCanonical(canonicalJson, salt) == Commitment && BlindId(objectId, salt) == BlindedId;
    }

    /// <summary>The salted commitment SHA-256(salt ‖ JCS(object)).</summary>
    public static MerkleHash Commit(StixObject stixObject, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        return CommitCanonical(stixObject.Canonicalize(), salt);
    }

    private static MerkleHash CommitCanonical(ReadOnlySpan<byte> canonicalJson, ReadOnlySpan<byte> salt)
    {
        IncrementalHash sha = MerkleHasher.Sha256;
        sha.AppendData(salt);
        sha.AppendData(canonicalJson);
        return new MerkleHash(sha.GetHashAndReset());
    }

    /// <summary>Checks, in debug builds only (it costs a canonicalization), that <paramref name="canonicalJson"/> is the
    /// RFC 8785 form of <paramref name="stixObject"/>.</summary>
    [System.Diagnostics.Conditional("DEBUG")]
    private static void CheckCanonical(StixObject stixObject, ReadOnlySpan<byte> canonicalJson)
    {
        if (!canonicalJson.SequenceEqual(stixObject.Canonicalize()))
        {
            throw new ArgumentException("The bytes given are not the RFC 8785 form of the object.", nameof(canonicalJson));
        }
    }

    /// <summary>The blinded id SHA-256(salt ‖ 0x00 ‖ "detente/ledger/object-id/v1" ‖ 0x00 ‖ UTF-8(id)).</summary>
    public static MerkleHash BlindId(string id, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Blind(s_idLabel, id, salt);
    }

    private static MerkleHash Blind(byte[] label, string id, ReadOnlySpan<byte> salt)
    {
        IncrementalHash sha = MerkleHasher.Sha256;
        sha.AppendData(salt);
        sha.AppendData([0x00]);
        sha.AppendData(label);
        sha.AppendData([0x00]);
        sha.AppendData(Encoding.UTF8.GetBytes(id));
        return new MerkleHash(sha.GetHashAndReset());
    }

    /// <summary>Reads an entry, which must be exactly the canonical bytes of one of the two records.</summary>
    /// <remarks>
    /// A direct reader of the two fixed layouts, not a general JSON parser: the members must come in JCS order with
    /// no whitespace, strings may use only the escapes JCS writes for them (<c>\"</c> and <c>\\</c>; control
    /// characters are not allowed at all), hashes are canonical padded base64 of 32 bytes, and <c>v</c> is 1.
    /// Bench: Ledger/AuditBenchmarks (every entry of a log is read this way).
    /// </remarks>
    /// <exception cref="LedgerFormatException">The bytes are not a canonical entry of either form.</exception>
    public static LogEntry Parse(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > EntryBundle.MaxEntryBytes)
        {
            ThrowHelper.Format("An entry is at most 65,535 bytes.", 0);
        }

        var reader = new EntryReader(encoded);
        reader.Expect("{\"action\":\""u8);
        LogAction action = reader.Remaining.StartsWith("publish\""u8) ? LogAction.Publish
            : reader.Remaining.StartsWith("revoke\""u8) ? LogAction.Revoke
            : reader.Remaining.StartsWith("delete\""u8) ? LogAction.Delete
            : reader.Remaining.StartsWith("psi-session\""u8) ? LogAction.PsiSession
            : ThrowHelper.Format<LogAction>("'action' is not publish, revoke, delete or psi-session.", reader.Position);
        reader.Skip(ActionName(action).Length);
        reader.Expect("\","u8);
        bool clear = reader.Remaining.StartsWith("\"digest\":\""u8);
        if (clear && IsRecordAction(action))
        {
            ThrowHelper.Format("A psi-session entry is always salted.", reader.Position);
        }

        MerkleHash commitment;
        MerkleHash? blinded = null;
        string? id = null;
        if (clear)
        {
            reader.Expect("\"digest\":\""u8);
            commitment = reader.ReadHash("digest");
            reader.Expect("\",\"object_id\":\""u8);
            id = reader.ReadString("object_id");
            if (!StixId.TryParse(id, out _))
            {
                ThrowHelper.Format("'object_id' is not a STIX identifier.", reader.Position);
            }
        }
        else
        {
            reader.Expect("\"blinded_id\":\""u8);
            blinded = reader.ReadHash("blinded_id");
            reader.Expect("\",\"commitment\":\""u8);
            commitment = reader.ReadHash("commitment");
        }

        reader.Expect("\",\"origin\":\""u8);
        string origin = reader.ReadString("origin");
        if (!IsValidOrigin(origin))
        {
            ThrowHelper.Format("'origin' is empty, longer than 255 bytes or holds control characters.", reader.Position);
        }

        reader.Expect("\",\"time\":\""u8);
        string timeText = reader.ReadString("time");
        if (!StixTimestamp.TryParse(timeText, out StixTimestamp time) || time.FractionDigits != 3)
        {
            ThrowHelper.Format("'time' is not a STIX timestamp with milliseconds.", reader.Position);
        }

        reader.Expect("\",\"v\":1}"u8);
        if (!reader.Remaining.IsEmpty)
        {
            ThrowHelper.Format("The entry has bytes after its closing brace.", reader.Position);
        }

        return new LogEntry(origin, action, time, commitment, blinded, id, encoded.ToArray());
    }

    /// <summary>The entry's text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Encoded.Span);

    private static string ActionName(LogAction action) => action switch
    {
        LogAction.Publish => "publish",
        LogAction.Revoke => "revoke",
        LogAction.Delete => "delete",
        LogAction.PsiSession => "psi-session",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>The action's name in an entry (<c>publish</c>, <c>revoke</c>, <c>delete</c>, <c>psi-session</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined action.</exception>
    public static string NameOf(LogAction action) => ActionName(action);

    /// <summary>The action an entry names, or false.</summary>
    public static bool TryParseAction(string? name, out LogAction action)
    {
        switch (name)
        {
            case "publish":
                action = LogAction.Publish;
                return true;
            case "revoke":
                action = LogAction.Revoke;
                return true;
            case "delete":
                action = LogAction.Delete;
                return true;
            case "psi-session":
                action = LogAction.PsiSession;
                return true;
            default:
                action = default;
                return false;
        }
    }

    private static void CheckObjectAction(LogAction action)
    {
        if (action is not (LogAction.Publish or LogAction.Revoke or LogAction.Delete))
        {
            throw new ArgumentException("An object entry's action is publish, revoke or delete; a psi-session is logged with CreateRecord.", nameof(action));
        }
    }

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

    /// <summary>True when <see cref="CreateClear(string, LogAction, DateTimeOffset, StixObject)"/> accepts <paramref name="stixObject"/>: TLP 2.0 CLEAR (or TLP 1.0 WHITE) in
    /// <c>object_marking_refs</c>, no other marking (another TLP level, a sharing group or any marking definition may restrict who may know of it), no granular markings.</summary>
    public static bool QualifiesForClear(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        return IsTlpClear(stixObject);
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
            else
            {
                // Any other marking — another TLP level, a sharing group's, or one this library cannot judge — may restrict
                // who may know of the object, and a clear entry names it to every reader of the log.
                return false;
            }
        }

        return clear;
    }

    /// <summary>A cursor over an entry's bytes for <see cref="Parse"/>.</summary>
    private ref struct EntryReader(ReadOnlySpan<byte> input)
    {
        private readonly ReadOnlySpan<byte> _input = input;

        public int Position { get; private set; }

        public readonly ReadOnlySpan<byte> Remaining => _input[Position..];

        public void Skip(int count) => Position += count;

        public void Expect(ReadOnlySpan<byte> literal)
        {
            if (!Remaining.StartsWith(literal))
            {
                ThrowHelper.Format($"The entry does not continue with {Encoding.UTF8.GetString(literal)} (members in JCS order, no whitespace).", Position);
            }

            Position += literal.Length;
        }

        public MerkleHash ReadHash(string name)
        {
            // 44 characters of padded base64, then the closing quote.
            if (Remaining.Length < 45 || Remaining[44] != (byte)'"' || !StrictBase64.TryDecode(Remaining[..44], out byte[] bytes) || bytes.Length != MerkleHash.Size)
            {
                return ThrowHelper.Format<MerkleHash>($"'{name}' is not the canonical base64 of 32 bytes.", Position);
            }

            Position += 44;
            return new MerkleHash(bytes);
        }

        /// <summary>Reads a string up to its closing quote (left unread); only the escapes JCS writes here are allowed.</summary>
        public string ReadString(string name)
        {
            ReadOnlySpan<byte> rest = Remaining;
            int end = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (end >= 0 && rest[end] == (byte)'"')
            {
                string plain = Decode(rest[..end], name);
                Position += end;
                return plain;
            }

            var bytes = new List<byte>(rest.Length);
            int i = 0;
            while (true)
            {
                if (i >= rest.Length)
                {
                    return ThrowHelper.Format<string>($"'{name}' is not terminated.", Position + i);
                }

                byte b = rest[i];
                if (b == (byte)'"')
                {
                    break;
                }

                if (b == (byte)'\\')
                {
                    // JCS escapes '"' and '\\' as \" and \\; every other escape is either a control character
                    // (not allowed here) or not canonical.
                    if (i + 1 >= rest.Length || rest[i + 1] is not ((byte)'"' or (byte)'\\'))
                    {
                        return ThrowHelper.Format<string>($"'{name}' holds an escape that is not \\\" or \\\\.", Position + i);
                    }

                    bytes.Add(rest[i + 1]);
                    i += 2;
                    continue;
                }

                bytes.Add(b);
                i++;
            }

            string value = Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), name);
            Position += i;
            return value;
        }

        private readonly string Decode(ReadOnlySpan<byte> utf8, string name)
        {
            foreach (byte b in utf8)
            {
                if (b < 0x20)
                {
                    return ThrowHelper.Format<string>($"'{name}' holds a control character.", Position);
                }
            }

            try
            {
                return s_strictUtf8.GetString(utf8);
            }
            catch (DecoderFallbackException)
            {
                return ThrowHelper.Format<string>($"'{name}' is not valid UTF-8.", Position);
            }
        }
    }
}
