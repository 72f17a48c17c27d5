using Detente.Ledger.Entries;
using Detente.Ledger.Tiles;
using Detente.Stix.Json;

namespace Detente.Storage;

/// <summary>
/// The node's store: API roots, collections and grants, object versions, TAXII status resources and API tokens.
/// </summary>
/// <remarks>
/// <para>Open one with <c>SqliteStore.OpenAsync</c> (Detente.Storage.Sqlite) or <c>PostgresStore.OpenAsync</c>
/// (Detente.Storage.Postgres); both behave identically (one contract test suite runs on both). A store is safe for
/// concurrent use by many requests; dispose it once, at shutdown.</para>
/// <para>Errors: a null or malformed argument is an <see cref="ArgumentException"/>; an unknown collection where one is
/// required is a <see cref="StoreException"/> with <see cref="StoreError.CollectionNotFound"/>; a database failure is
/// the provider's <see cref="System.Data.Common.DbException"/>. None of them changes anything.</para>
/// <para>Reads are for the node's egress path: <see cref="ReadObjectsAsync"/> streams versions in <c>date_added</c>
/// order so that the policy can decide on each before the node cuts a page; the page's <c>next</c> comes from
/// <see cref="Cursors"/>.</para>
/// </remarks>
public interface IStore : IAsyncDisposable
{
    /// <summary>Makes and reads the opaque paging cursors of this store (TAXII <c>next</c>).</summary>
    public CursorCodec Cursors { get; }

    // ---- API roots ----

    /// <summary>Creates an API root.</summary>
    /// <returns><see cref="CreateResult.Created"/>, or <see cref="CreateResult.AlreadyExists"/> when the name is taken.</returns>
    /// <exception cref="ArgumentException">The name is not 1–64 URL-safe characters, or the title is empty.</exception>
    public Task<CreateResult> CreateApiRootAsync(ApiRoot apiRoot, CancellationToken cancellationToken = default);

    /// <summary>The API root named <paramref name="name"/>, or null.</summary>
    public Task<ApiRoot?> GetApiRootAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every API root, by name.</summary>
    public Task<IReadOnlyList<ApiRoot>> ListApiRootsAsync(CancellationToken cancellationToken = default);

    // ---- Collections and grants ----

    /// <summary>Creates a collection in an existing API root, with no grants (no one may read or write it yet).</summary>
    /// <returns><see cref="CreateResult.Created"/>, or why nothing was created.</returns>
    /// <exception cref="ArgumentException">The id is not a version-4 UUID, the title is empty, the alias is empty, or
    /// there are no media types.</exception>
    public Task<CreateResult> CreateCollectionAsync(Collection collection, CancellationToken cancellationToken = default);

    /// <summary>The collection with id <paramref name="collectionId"/>, or null.</summary>
    public Task<Collection?> GetCollectionAsync(Guid collectionId, CancellationToken cancellationToken = default);

    /// <summary>The collection of API root <paramref name="apiRoot"/> whose alias is <paramref name="alias"/>, or null.</summary>
    public Task<Collection?> GetCollectionByAliasAsync(string apiRoot, string alias, CancellationToken cancellationToken = default);

    /// <summary>Every collection of an API root, by title then id (empty for an unknown API root).</summary>
    public Task<IReadOnlyList<Collection>> ListCollectionsAsync(string apiRoot, CancellationToken cancellationToken = default);

    /// <summary>The collections of an API root that <paramref name="principal"/> may read or write, with its access.</summary>
    public Task<IReadOnlyList<CollectionWithAccess>> ListCollectionsForAsync(string apiRoot, string principal,
        CancellationToken cancellationToken = default);

    /// <summary>What <paramref name="principal"/> may do with a collection (<see cref="CollectionAccess.None"/> for an
    /// unknown collection or principal).</summary>
    public Task<CollectionAccess> GetAccessAsync(Guid collectionId, string principal, CancellationToken cancellationToken = default);

    /// <summary>Every grant of a collection, by principal (empty for an unknown collection).</summary>
    public Task<IReadOnlyList<CollectionGrant>> ListGrantsAsync(Guid collectionId, CancellationToken cancellationToken = default);

    /// <summary>Sets what <paramref name="principal"/> may do with a collection; <see cref="CollectionAccess.None"/> revokes.</summary>
    /// <returns>False when the collection does not exist.</returns>
    public Task<bool> GrantAsync(Guid collectionId, string principal, CollectionAccess access, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="principal"/>'s grant on a collection.</summary>
    /// <returns>False when there was no such grant.</returns>
    public Task<bool> RevokeAsync(Guid collectionId, string principal, CancellationToken cancellationToken = default);

    // ---- Objects ----

    /// <summary>Adds a batch of object versions to a collection in one transaction: all of them, or none.</summary>
    /// <remarks>
    /// The same transaction appends one transparency log entry per new version (a fresh salt each; <c>revoke</c> for a
    /// version with <c>"revoked": true</c>, else <c>publish</c>), under the global log lock.
    /// Each new version gets a <c>date_added</c> of microsecond precision, later than every other in the collection
    /// (also under concurrent writers), and the versions of one batch are added in input order. A version the
    /// collection already holds (same id and version, also earlier in the same batch) is reported as
    /// <see cref="AddedObject.AlreadyPresent"/> and keeps its original bytes and <c>date_added</c>; so does an object
    /// without a version whose id the collection already holds.
    /// </remarks>
    /// <exception cref="StoreException">The collection does not exist (<see cref="StoreError.CollectionNotFound"/>).</exception>
    public Task<AddObjectsResult> AddObjectsAsync(Guid collectionId, IReadOnlyList<ObjectToAdd> objects, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a batch exactly as <see cref="AddObjectsAsync"/> does and records, in the same transaction, the status resource
    /// of the request it came from: one commit (one disk flush) for both, and never stored objects without their status.
    /// </summary>
    /// <remarks>
    /// The details of <paramref name="status"/> whose outcome is <see cref="StatusOutcome.Pending"/> are the objects of
    /// <paramref name="objects"/>, in order: each is recorded as <see cref="StatusOutcome.Success"/> with the version the
    /// store gives it (<see cref="AddedObject.Version"/>). Other details are recorded as they are.
    /// </remarks>
    /// <returns>The result of the add, and the status resource as stored.</returns>
    /// <exception cref="StoreException">The collection does not exist (<see cref="StoreError.CollectionNotFound"/>).</exception>
    /// <exception cref="ArgumentException">The pending details are not as many as the objects, or a status with that id
    /// exists (nothing changed).</exception>
    public Task<(AddObjectsResult Added, StatusResource Status)> AddObjectsWithStatusAsync(Guid collectionId, IReadOnlyList<ObjectToAdd> objects,
        NewStatus status, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the versions of a collection that <paramref name="filter"/> selects, oldest <c>date_added</c> first,
    /// starting after position <paramref name="after"/>.
    /// </summary>
    /// <remarks>
    /// The stream has no end of its own besides the collection's: the node applies its egress policy to each version,
    /// stops after <c>limit</c> visible ones plus one more (which says <c>more</c>), and builds <c>next</c> with
    /// <see cref="CursorCodec.Encode"/> from the <see cref="StoredObject.DateAdded"/> of the last one returned. The
    /// store reads in batches (the first of <paramref name="pageSizeHint"/> + 1 versions, then growing) and holds no
    /// connection or transaction while the caller works. Versions added while a client pages appear after the
    /// versions already there: paging never skips nor repeats a version.
    /// Manifests (<see cref="StoredObject.ToManifestRecord"/>), an object's versions (<see cref="ObjectFilter.VersionsOf"/>)
    /// and a single object (<see cref="ObjectFilter.Ids"/>) are read the same way.
    /// </remarks>
    /// <param name="collectionId">The collection.</param>
    /// <param name="filter">The TAXII filters.</param>
    /// <param name="after">Read after this position (a cursor's, or a <see cref="StoredObject.DateAdded"/>); null reads from the start.</param>
    /// <param name="pageSizeHint">How many versions the caller expects to need (its page size); 0 for the default (100).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="StoreException">The collection does not exist (thrown when enumeration starts).</exception>
    /// <exception cref="ArgumentException">The filter has more than <see cref="ObjectFilter.MaxValues"/> values in a list, or
    /// selects no version at all.</exception>
    public IAsyncEnumerable<StoredObject> ReadObjectsAsync(Guid collectionId, ObjectFilter filter, DateTimeOffset? after = null,
        int pageSizeHint = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives an egress class to up to <paramref name="batchSize"/> of the versions stored before the store kept egress
    /// classes (schema migration 14 lists every version then held), oldest first: each gets the class
    /// <paramref name="classify"/> returns, and is no longer pending. Until then such a version has class 0, which must
    /// therefore be the class that restricts no reader. The node calls it at start until it returns 0.
    /// </summary>
    /// <returns>How many pending versions were done (deleted ones included); 0 when none is pending.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not 1 to 1,000.</exception>
    public Task<int> ClassifyPendingVersionsAsync(Func<StoredObject, byte> classify, int batchSize = 1_000, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest version of each of <paramref name="objectIds"/> in a collection: the version <c>match[version]=last</c>
    /// selects without a spec version filter (<see cref="StoredObject.IsLatest"/>). An id the collection does not hold
    /// has no entry.
    /// </summary>
    /// <remarks>One indexed lookup per 128 distinct ids, in one read; the node's egress gate asks it once per batch of
    /// versions that are not their object's latest, so that it can decide each object by its latest version.</remarks>
    /// <exception cref="StoreException">The collection does not exist.</exception>
    /// <exception cref="ArgumentException">More than <see cref="ObjectFilter.MaxValues"/> ids.</exception>
    public Task<IReadOnlyDictionary<string, StoredObject>> ReadLatestVersionsAsync(Guid collectionId, IReadOnlyCollection<string> objectIds,
        CancellationToken cancellationToken = default);

    /// <summary>True when the collection holds any version of the object (to tell "no such object" from "nothing matched").</summary>
    public Task<bool> ContainsObjectAsync(Guid collectionId, string objectId, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object's versions from a collection: all of them, or those the filters select (TAXII 2.1 §5.7).</summary>
    /// <remarks>
    /// The same transaction appends one <c>delete</c> log entry per deleted version.
    /// Without filters every version goes. With <paramref name="specVersions"/>, only versions in those spec versions are
    /// candidates; <paramref name="versions"/> then selects among the candidates (<c>first</c> and <c>last</c> are the
    /// earliest and latest candidate).
    /// </remarks>
    /// <returns>How many versions were deleted (0 when none matched or the object is unknown).</returns>
    /// <exception cref="StoreException">The collection does not exist.</exception>
    public Task<int> DeleteObjectAsync(Guid collectionId, string objectId, VersionFilter? versions = null,
        IReadOnlyList<string>? specVersions = null, CancellationToken cancellationToken = default);

    // ---- Transparency log ----

    /// <summary>
    /// The store's transparency log as tiles and its latest signed checkpoint (C2SP tlog-tiles), for the node's sequencer
    /// (<see cref="ITileStore.TryCommitAsync"/>: the tiles and checkpoint of a batch in one transaction, a compare-and-swap
    /// on the checkpoint's size), the <c>/log/</c> routes and auditors.
    /// </summary>
    /// <remarks>The entries are the source of truth: <see cref="AddObjectsAsync"/> and <see cref="DeleteObjectAsync"/>
    /// write one entry per new or deleted version in their own transaction; the tiles and checkpoint are derived from them.</remarks>
    public ITileStore LogTiles { get; }

    /// <summary>The log's origin line, or null while none has been set (the first add sets a default).</summary>
    public Task<string?> GetLogOriginAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets the log's origin line, which every entry names and every checkpoint starts with.</summary>
    /// <remarks>Allowed while the log has no entry, or when the origin is the same; a log's origin never changes afterwards.</remarks>
    /// <exception cref="ArgumentException">The origin is not 1–255 UTF-8 bytes without control characters or <c>+</c> and spaces.</exception>
    /// <exception cref="StoreException">The log has entries under another origin (<see cref="StoreError.LogOriginMismatch"/>).</exception>
    public Task SetLogOriginAsync(string origin, CancellationToken cancellationToken = default);

    /// <summary>The number of entries in the log (committed entries, whether or not a checkpoint covers them yet).</summary>
    public Task<long> GetLogSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="count"/> entries from leaf index <paramref name="start"/> on, in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or <paramref name="count"/> not positive.</exception>
    public Task<IReadOnlyList<ReadOnlyMemory<byte>>> ReadLogEntriesAsync(long start, int count, CancellationToken cancellationToken = default);

    /// <summary>The publish (or revoke) entry of the version added to a collection at <paramref name="dateAdded"/>, or null.</summary>
    /// <remarks>One indexed lookup. The caller must have decided that the reader may see that version: the salt is in the answer.</remarks>
    public Task<LogEntryRecord?> FindLogEntryAsync(Guid collectionId, DateTimeOffset dateAdded, CancellationToken cancellationToken = default);

    /// <summary>The publish (or revoke) entries of the versions added to a collection at each of <paramref name="dateAdded"/>,
    /// in the same order (null where a version has no entry).</summary>
    /// <remarks>One indexed lookup per 128 versions. The caller must have decided that the reader may see every one of those
    /// versions: the salts are in the answer.</remarks>
    /// <exception cref="ArgumentException">More than <see cref="ObjectFilter.MaxValues"/> versions.</exception>
    public Task<IReadOnlyList<LogEntryRecord?>> FindLogEntriesAsync(Guid collectionId, IReadOnlyList<DateTimeOffset> dateAdded,
        CancellationToken cancellationToken = default);

    /// <summary>Appends a salted entry for a record not tied to an object version (a PSI session), with a fresh salt.</summary>
    /// <remarks>
    /// Takes the same global log lock as object adds, so the entry gets the next leaf index and the sequencer seals it
    /// like any other. The store keeps the record's canonical bytes and the salt with the entry, for the record's parties
    /// (<see cref="FindLogRecordsAsync"/>); the entry itself holds only the salted commitment and blinded id.
    /// </remarks>
    /// <param name="action">A record action (<see cref="LogAction.PsiSession"/>).</param>
    /// <param name="recordId">The record's id: 1–128 printable ASCII characters (a session id).</param>
    /// <param name="record">The record; at most <see cref="MaxLogRecordBytes"/> bytes in its canonical form.</param>
    /// <param name="cancellationToken">Cancels the append (nothing is appended).</param>
    /// <returns>The entry as stored: its leaf index, bytes, salt, record id and record.</returns>
    /// <exception cref="ArgumentException">The action is not a record action, the id is empty, too long or not printable ASCII,
    /// or the record is too large.</exception>
    public Task<LogEntryRecord> AppendLogRecordAsync(LogAction action, string recordId, JsonObject record, CancellationToken cancellationToken = default);

    /// <summary>The entries of the record <paramref name="recordId"/> of kind <paramref name="action"/>, oldest first (empty when none).</summary>
    /// <remarks>The answer holds the salts and the records: the caller decides first that its reader is a party of the record.</remarks>
    public Task<IReadOnlyList<LogEntryRecord>> FindLogRecordsAsync(LogAction action, string recordId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Record entries of kind <paramref name="action"/>, newest first: at most <paramref name="limit"/> of them, each with a
    /// leaf index below <paramref name="before"/> (all when null). Page back by passing the last one's leaf index.
    /// </summary>
    /// <remarks>One indexed read; the answer holds the salts and the records, so it is for the node itself (the PSI rate
    /// limit counts the sessions of the last hour from it after a restart), never for a reader.</remarks>
    /// <exception cref="ArgumentException">The action is not a record action.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is not positive, or <paramref name="before"/> is negative.</exception>
    public Task<IReadOnlyList<LogEntryRecord>> ReadRecentLogRecordsAsync(LogAction action, long? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The position of the store's objects: one past the leaf index of the latest log entry tied to an object version (0
    /// when there is none). It moves with every add, revoke and delete in any collection, and not with record entries.
    /// </summary>
    /// <remarks>One indexed read. A value read before reading objects, and equal to a later one, proves that no object
    /// version was added, revoked or deleted in between (what the node's PSI set cache relies on).</remarks>
    public Task<long> GetObjectLogPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>The largest record <see cref="AppendLogRecordAsync"/> takes, in canonical bytes (64 KiB).</summary>
    public const int MaxLogRecordBytes = 65_536;

    /// <summary>Whether new entries of TLP:CLEAR versions are clear entries (naming the object; <c>LogEntry.CreateClear</c> decides
    /// which versions qualify) instead of salted ones. Stored with the log; default false. Entries already written keep their form.</summary>
    public Task SetLogClearEntriesAsync(bool clearForTlpClear, CancellationToken cancellationToken = default);

    /// <summary>The signed checkpoint the log had at <paramref name="size"/> (every checkpoint is kept), or null when the log never
    /// had a checkpoint of that size.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public Task<ReadOnlyMemory<byte>?> ReadLogCheckpointAsync(long size, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives every stored version without a log entry (stored before the store kept a log) a <c>publish</c> entry (<c>revoke</c>
    /// for a revoked version), collection by collection in <c>date_added</c> order, <paramref name="batchSize"/> versions per
    /// transaction. Idempotent: a version that has an entry is never given another.
    /// </summary>
    /// <returns>How many entries were added.</returns>
    public Task<int> BackfillLogAsync(int batchSize, CancellationToken cancellationToken = default);

    // ---- Witnessing ----

    /// <summary>Starts witnessing the log <paramref name="origin"/>, whose checkpoints <paramref name="verifierKey"/> verifies;
    /// false (nothing changed) when the origin is witnessed already.</summary>
    public Task<bool> AddWitnessedLogAsync(string origin, string verifierKey, CancellationToken cancellationToken = default);

    /// <summary>The logs this node witnesses, by origin.</summary>
    public Task<IReadOnlyList<WitnessedLogRecord>> ListWitnessedLogsAsync(CancellationToken cancellationToken = default);

    /// <summary>The witnessed log <paramref name="origin"/>, or null.</summary>
    public Task<WitnessedLogRecord?> GetWitnessedLogAsync(string origin, CancellationToken cancellationToken = default);

    /// <summary>Stops witnessing a log and forgets what was cosigned for it; false when it was not witnessed.</summary>
    public Task<bool> RemoveWitnessedLogAsync(string origin, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a cosigned checkpoint of a witnessed log as a compare-and-swap: only when the stored size is still
    /// <paramref name="expectedSize"/> (C2SP tlog-witness requires the check and the update to be atomic). False, nothing
    /// changed, when another request moved the record first or the origin is not witnessed.
    /// </summary>
    /// <param name="origin">The witnessed log's origin.</param>
    /// <param name="expectedSize">The size the record must still have.</param>
    /// <param name="newSize">The cosigned checkpoint's size.</param>
    /// <param name="rootHash">Its root hash.</param>
    /// <param name="checkpoint">The checkpoint as received (signed note bytes).</param>
    /// <param name="cosigned">When it was cosigned.</param>
    /// <param name="cosignature">The cosignature made for it, a signed-note signature line without its newline (served in the gossip).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<bool> AdvanceWitnessedLogAsync(string origin, long expectedSize, long newSize, ReadOnlyMemory<byte> rootHash,
        ReadOnlyMemory<byte> checkpoint, DateTimeOffset cosigned, string cosignature, CancellationToken cancellationToken = default);

    /// <summary>Adds a witness of this node's log (known size 0, no cosignature); false when its name or key is taken.</summary>
    public Task<bool> AddLogWitnessAsync(LogWitnessRecord witness, CancellationToken cancellationToken = default);

    /// <summary>The witnesses of this node's log, by name.</summary>
    public Task<IReadOnlyList<LogWitnessRecord>> ListLogWitnessesAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a witness of this node's log; false when there is none of that name.</summary>
    public Task<bool> RemoveLogWitnessAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Records what a witness said: the size it last cosigned and, when it cosigned, the (verified) cosignature line,
    /// the checkpoint size it covers and when it came. False when there is no witness of that name.</summary>
    /// <exception cref="ArgumentException">Only some of <paramref name="cosignedSize"/>, <paramref name="cosignature"/> and
    /// <paramref name="cosigned"/> are given.</exception>
    public Task<bool> UpdateLogWitnessAsync(string name, long knownSize, long? cosignedSize, string? cosignature, DateTimeOffset? cosigned,
        CancellationToken cancellationToken = default);

    /// <summary>The witness tokens that stores older than migration 11 kept in <c>log_witnesses</c>, waiting to be moved to the
    /// node's data folder (the node does it at start); empty once moved.</summary>
    public Task<IReadOnlyList<LogWitnessTokenToMove>> ListLogWitnessTokensToMoveAsync(CancellationToken cancellationToken = default);

    /// <summary>Forgets a witness token once it is kept elsewhere; false when there is none of that name.</summary>
    public Task<bool> ForgetLogWitnessTokenToMoveAsync(string name, CancellationToken cancellationToken = default);

    // ---- Status resources ----

    /// <summary>Records a new status resource.</summary>
    /// <returns>False when a status with that id exists (nothing changed).</returns>
    public Task<bool> CreateStatusAsync(NewStatus status, CancellationToken cancellationToken = default);

    /// <summary>Changes the outcome of some objects of a status, in one transaction.</summary>
    /// <returns>False when there is no such status.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the status's objects (nothing changed).</exception>
    public Task<bool> UpdateStatusAsync(Guid statusId, IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>The status resource with id <paramref name="statusId"/>, or null.</summary>
    public Task<StatusResource?> GetStatusAsync(Guid statusId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks every pending object of every status as failed with <paramref name="message"/>, in one transaction: what a
    /// node does at start for add requests a stop cut short (their objects were never stored, and no one will store them).
    /// </summary>
    /// <returns>How many objects changed, and of how many statuses.</returns>
    /// <exception cref="ArgumentException">The message is empty.</exception>
    public Task<(int Objects, int Statuses)> FailPendingStatusesAsync(string message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the statuses requested before <paramref name="requestedBefore"/> that have no pending object, in one
    /// transaction; a status with a pending object is kept whatever its age.
    /// </summary>
    /// <returns>How many statuses were deleted.</returns>
    public Task<int> DeleteFinishedStatusesAsync(DateTimeOffset requestedBefore, CancellationToken cancellationToken = default);

    // ---- API tokens ----

    /// <summary>Stores a token (its hash, never its secret).</summary>
    /// <returns>False when a token with that id or that hash exists (nothing changed).</returns>
    /// <exception cref="ArgumentException">The hash is not <see cref="TokenHash.Size"/> bytes, or the id or principal is empty.</exception>
    public Task<bool> AddTokenAsync(ApiToken token, CancellationToken cancellationToken = default);

    /// <summary>The token whose secret hashes to <paramref name="secretHash"/>, revoked and expired ones included, or null.</summary>
    /// <remarks>The lookup goes through an index on the hash; the node checks <see cref="ApiToken.IsActiveAt"/>.</remarks>
    public Task<ApiToken?> FindTokenByHashAsync(ReadOnlyMemory<byte> secretHash, CancellationToken cancellationToken = default);

    /// <summary>The token with id <paramref name="tokenId"/>, or null.</summary>
    public Task<ApiToken?> GetTokenAsync(string tokenId, CancellationToken cancellationToken = default);

    /// <summary>Every token, oldest first.</summary>
    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a token now (the store's clock).</summary>
    /// <returns>False when there is no such token or it was already revoked.</returns>
    public Task<bool> RevokeTokenAsync(string tokenId, CancellationToken cancellationToken = default);

    // ---- Sharing: partners, sharing groups, collection sharing ----

    /// <summary>Registers a partner node.</summary>
    /// <returns><see cref="SharingChange.Changed"/>, or <see cref="SharingChange.AlreadyExists"/> when a partner has that
    /// name or identity (nothing changed).</returns>
    /// <exception cref="ArgumentException">The record is not acceptable (<see cref="PartnerRecord.Check"/>).</exception>
    public Task<SharingChange> AddPartnerAsync(PartnerRecord partner, CancellationToken cancellationToken = default);

    /// <summary>Every partner, by name.</summary>
    public Task<IReadOnlyList<PartnerRecord>> ListPartnersAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets whether versions the partner's node serves redacted are refused by sync (<see cref="PartnerRecord.RefuseRedacted"/>).</summary>
    /// <returns><see cref="SharingChange.Changed"/>, <see cref="SharingChange.Unchanged"/> when it already was so, or
    /// <see cref="SharingChange.PartnerNotFound"/>.</returns>
    public Task<SharingChange> SetPartnerRefusesRedactedAsync(string partner, bool refuse, CancellationToken cancellationToken = default);

    /// <summary>Removes a partner, its sharing-group memberships, collection partnerships, egress rules, keys, delegations,
    /// subscriptions and pinned log, in one transaction (the provenance of what it sent and the audit evidence stay).</summary>
    /// <returns>False when there is no such partner.</returns>
    public Task<bool> RemovePartnerAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Adds an Ed25519 key to a partner: its signatures are accepted from now on, until <paramref name="notAfter"/>
    /// (when given) or until it is revoked.</summary>
    /// <returns><see cref="SharingChange.Changed"/>; <see cref="SharingChange.PartnerNotFound"/>; or
    /// <see cref="SharingChange.AlreadyExists"/> when this partner (revoked or not) or another holds the key already (a
    /// revoked key is not taken back).</returns>
    /// <exception cref="ArgumentException">The key is not a valid 32-byte Ed25519 public key.</exception>
    public Task<SharingChange> AddPartnerKeyAsync(string partner, ReadOnlyMemory<byte> publicKey, DateTimeOffset? notAfter = null,
        CancellationToken cancellationToken = default);

    /// <summary>Revokes a key of a partner: its signatures are refused from now on. The key stays listed, as revoked.</summary>
    /// <returns><see cref="SharingChange.Changed"/>; <see cref="SharingChange.Unchanged"/> when it was revoked already;
    /// <see cref="SharingChange.PartnerNotFound"/>; <see cref="SharingChange.KeyNotFound"/>; or
    /// <see cref="SharingChange.LastKey"/> when it is the partner's last key that is not revoked.</returns>
    public Task<SharingChange> RevokePartnerKeyAsync(string partner, ReadOnlyMemory<byte> publicKey, CancellationToken cancellationToken = default);

    /// <summary>Lets a partner send objects created by <paramref name="identity"/> (or no longer), besides its own.</summary>
    /// <returns><see cref="SharingChange.Changed"/>, <see cref="SharingChange.Unchanged"/>, or <see cref="SharingChange.PartnerNotFound"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="identity"/> is not an identity id, or is the partner's own.</exception>
    public Task<SharingChange> SetPartnerDelegationAsync(string partner, string identity, bool delegated, CancellationToken cancellationToken = default);

    /// <summary>Creates a sharing group with no members.</summary>
    /// <returns><see cref="SharingChange.Changed"/>, or <see cref="SharingChange.AlreadyExists"/> when a group has that
    /// name or marking.</returns>
    /// <exception cref="ArgumentException">The name or marking is not acceptable (<see cref="SharingGroupRecord.Check"/>).</exception>
    public Task<SharingChange> AddSharingGroupAsync(string name, string markingDefinitionId, CancellationToken cancellationToken = default);

    /// <summary>Removes a sharing group and its memberships.</summary>
    /// <returns>False when there is no such group.</returns>
    public Task<bool> RemoveSharingGroupAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every sharing group with its members, by name.</summary>
    public Task<IReadOnlyList<SharingGroupRecord>> ListSharingGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="partner"/> a member of <paramref name="group"/> (<paramref name="member"/> true) or not.</summary>
    public Task<SharingChange> SetGroupMemberAsync(string group, string partner, bool member, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="partner"/> a partner of a collection (the audience of its <c>TLP:AMBER</c> objects
    /// that name no sharing group) or not.</summary>
    public Task<SharingChange> SetCollectionPartnerAsync(Guid collectionId, string partner, bool isPartner, CancellationToken cancellationToken = default);

    /// <summary>Sets a collection's <see cref="Collection.DefaultMarkingId"/>.</summary>
    /// <exception cref="ArgumentException">Not a marking-definition id.</exception>
    public Task<SharingChange> SetDefaultMarkingAsync(Guid collectionId, string markingDefinitionId, CancellationToken cancellationToken = default);

    /// <summary>Adds an egress rule to a partner, after its other rules (it gets the next number).</summary>
    /// <returns><see cref="SharingChange.Changed"/>, or <see cref="SharingChange.PartnerNotFound"/> (nothing changed).</returns>
    /// <exception cref="ArgumentException">The rule is not acceptable (<see cref="PartnerRuleRecord.Check"/>).</exception>
    public Task<SharingChange> AddPartnerRuleAsync(PartnerRuleRecord rule, CancellationToken cancellationToken = default);

    /// <summary>A partner's egress rules in the order they were added: the first is rule 1 (empty for an unknown partner).</summary>
    public Task<IReadOnlyList<PartnerRuleRecord>> ListPartnerRulesAsync(string partner, CancellationToken cancellationToken = default);

    /// <summary>Removes rule <paramref name="number"/> (from 1, as listed) of a partner; later rules move up one number.</summary>
    /// <returns>False when the partner has no such rule (nothing changed).</returns>
    public Task<bool> RemovePartnerRuleAsync(string partner, int number, CancellationToken cancellationToken = default);

    /// <summary>Adds a redaction path (<see cref="RedactionPaths.Check"/>).</summary>
    /// <returns><see cref="SharingChange.Changed"/>, or <see cref="SharingChange.AlreadyExists"/>.</returns>
    /// <exception cref="ArgumentException">The path is not acceptable.</exception>
    public Task<SharingChange> AddRedactionPathAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Removes a redaction path.</summary>
    /// <returns>False when there was no such path.</returns>
    public Task<bool> RemoveRedactionPathAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Every redaction path, in ordinal order.</summary>
    public Task<IReadOnlyList<string>> ListRedactionPathsAsync(CancellationToken cancellationToken = default);

    /// <summary>Declares a marking definition neutral (<see cref="NeutralMarkings.Check"/>): the sharing policy ignores it
    /// (a copyright statement) instead of reading it as the collection's default level.</summary>
    /// <returns><see cref="SharingChange.Changed"/>, or <see cref="SharingChange.AlreadyExists"/>.</returns>
    /// <exception cref="ArgumentException">The id is not a marking-definition id, or is a TLP marking.</exception>
    public Task<SharingChange> AddNeutralMarkingAsync(string markingId, CancellationToken cancellationToken = default);

    /// <summary>Removes a neutral marking (objects carrying it are then decided as carrying an unknown marking).</summary>
    /// <returns>False when there was no such marking.</returns>
    public Task<bool> RemoveNeutralMarkingAsync(string markingId, CancellationToken cancellationToken = default);

    /// <summary>Every neutral marking, in ordinal order.</summary>
    public Task<IReadOnlyList<string>> ListNeutralMarkingsAsync(CancellationToken cancellationToken = default);

    /// <summary>A number that increases with every change of partners, sharing groups, memberships, collection partners,
    /// default markings, partner rules, redaction paths or neutral markings: a node polls it and rebuilds its policy when it moves.</summary>
    public Task<long> GetSharingVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>Everything the sharing policy is built from, with the version it was read at.</summary>
    public Task<SharingConfiguration> GetSharingConfigurationAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Computes and stores the facts (<see cref="ObjectToAdd.Facts"/>) of every version stored without them (those added
    /// before the store kept facts), in batches, each in its own transaction. <paramref name="compute"/> gets the version's
    /// JSON; an empty result is stored as such (the reader then falls back to the JSON).
    /// </summary>
    /// <returns>How many versions got facts.</returns>
    public Task<int> FillMissingFactsAsync(Func<ReadOnlyMemory<byte>, byte[]> compute, CancellationToken cancellationToken = default);

    // ---- Federation: partner logs, subscriptions, received objects, audit ----

    /// <summary>Pins a partner's log verifier key (creating its audit state). A different key than the pinned one forgets
    /// the pinned checkpoint: the next audit starts anew from the new key.</summary>
    /// <returns><see cref="SharingChange.Changed"/>, <see cref="SharingChange.Unchanged"/> (the same key), or
    /// <see cref="SharingChange.PartnerNotFound"/>.</returns>
    /// <exception cref="ArgumentException">The key is empty or longer than 1,024 characters.</exception>
    public Task<SharingChange> SetPartnerLogKeyAsync(string partner, string logKey, CancellationToken cancellationToken = default);

    /// <summary>The audit state of a partner's log, or null when no key is pinned for it.</summary>
    public Task<PartnerLogRecord?> GetPartnerLogAsync(string partner, CancellationToken cancellationToken = default);

    /// <summary>The audit state of every partner with a pinned log key, by partner name.</summary>
    public Task<IReadOnlyList<PartnerLogRecord>> ListPartnerLogsAsync(CancellationToken cancellationToken = default);

    /// <summary>Pins a verified checkpoint of a partner's log, as a compare-and-swap on the size pinned before.</summary>
    /// <param name="partner">The partner.</param>
    /// <param name="expectedSize">The size pinned before (null: none was).</param>
    /// <param name="size">The new checkpoint's size, not smaller than <paramref name="expectedSize"/>.</param>
    /// <param name="note">The signed checkpoint note.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>False (nothing changed) when the partner has no pinned key, has an alarm, or another size was pinned meanwhile.</returns>
    public Task<bool> PinCheckpointAsync(string partner, long? expectedSize, long size, ReadOnlyMemory<byte> note,
        CancellationToken cancellationToken = default);

    /// <summary>Keeps audit evidence and sets the partner's alarm (the first alarm stays until cleared), in one transaction.</summary>
    /// <returns>False when the partner has no pinned log key (nothing stored).</returns>
    public Task<bool> RaiseAlarmAsync(AuditEvidenceRecord evidence, CancellationToken cancellationToken = default);

    /// <summary>Clears a partner's alarm after the operator's review; the evidence stays. With
    /// <paramref name="forgetCheckpoint"/>, the pinned checkpoint is forgotten too (the next audit trusts the partner's
    /// current checkpoint, e.g. after it restored its log from a backup).</summary>
    /// <returns>False when the partner has no pinned log key.</returns>
    public Task<bool> ClearAlarmAsync(string partner, bool forgetCheckpoint, CancellationToken cancellationToken = default);

    /// <summary>The audit evidence kept about a partner, oldest first.</summary>
    public Task<IReadOnlyList<AuditEvidenceRecord>> ListAuditEvidenceAsync(string partner, CancellationToken cancellationToken = default);

    /// <summary>Records when a sync from the partner finished.</summary>
    public Task MarkSyncedAsync(string partner, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to a partner collection (its cursor as given, normally null).</summary>
    /// <returns><see cref="SharingChange.Changed"/>, or <see cref="SharingChange.AlreadyExists"/>,
    /// <see cref="SharingChange.PartnerNotFound"/>, <see cref="SharingChange.CollectionNotFound"/> (nothing changed).</returns>
    /// <exception cref="ArgumentException">The record is not acceptable (<see cref="SubscriptionRecord.Check"/>).</exception>
    public Task<SharingChange> SubscribeAsync(SubscriptionRecord subscription, CancellationToken cancellationToken = default);

    /// <summary>Ends a subscription (objects already received stay).</summary>
    /// <returns>False when there was no such subscription.</returns>
    public Task<bool> UnsubscribeAsync(string partner, string apiRoot, string remoteCollection, CancellationToken cancellationToken = default);

    /// <summary>Every subscription with its cursor, by partner, API root and remote collection.</summary>
    public Task<IReadOnlyList<SubscriptionRecord>> ListSubscriptionsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a page received from a partner exactly as <see cref="AddObjectsAsync"/> does (log entries included) and, in the
    /// same transaction, records the provenance of each new version, counts them for the partner, and sets the
    /// subscription's cursor to <see cref="ReceivedBatch.Cursor"/>: the page and its cursor commit together, or neither.
    /// </summary>
    /// <remarks>An empty <paramref name="objects"/> only moves the cursor (a page whose objects were all refused).</remarks>
    /// <exception cref="StoreException">The collection does not exist.</exception>
    /// <exception cref="ArgumentException">There is no such subscription into this collection (nothing changed).</exception>
    public Task<AddObjectsResult> AddReceivedObjectsAsync(Guid collectionId, IReadOnlyList<ObjectToAdd> objects, ReceivedBatch received,
        CancellationToken cancellationToken = default);

    /// <summary>Where the version added to a collection at <paramref name="dateAdded"/> came from, or null (not received by sync).</summary>
    public Task<ObjectProvenance?> GetProvenanceAsync(Guid collectionId, DateTimeOffset dateAdded, CancellationToken cancellationToken = default);
}
