using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Detente.Ledger;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Patterns.Validation;
using Detente.Stix;
using Detente.Stix.Validation;
using Detente.Storage;
using Detente.Taxii;
using Detente.Taxii.Client;
using Detente.Taxii.Query;
using Microsoft.Extensions.Logging.Abstractions;

namespace Detente.Node.Sync;

/// <summary>
/// Pull sync from partner nodes, with the audit of the partner's transparency log on every sync.
/// </summary>
/// <remarks>
/// <para>Per partner: the partner's <c>/log/checkpoint</c> must verify with the pinned log key and be consistent with the
/// checkpoint pinned before (a smaller size is a rollback; the same size with another root, or no consistency proof, a
/// split view); it is then compared with what the other partners gossip for the same origin (<c>/log/gossip</c>). Then each
/// subscription is paged with <c>added_after</c> = its cursor and <c>match[version]=all</c>, one page at a time. Every
/// object of a page is validated exactly as a POST is (<c>ObjectIngest.Check</c>: STIX validation, media type, policy
/// facts) and must be in the partner's log (its inclusion proof, with the salt opening the entry's commitment to the object
/// as received) before anything of the page is stored; the page's new versions, their provenance and the cursor then commit
/// in one transaction (<see cref="IStore.AddReceivedObjectsAsync"/>), with the store's own log entries.</para>
/// <para>An audit failure keeps the evidence, sets the partner's alarm (the store then refuses its objects), logs event 8102
/// and counts <c>detente_audit_alarms_total</c>; nothing of the failing page is stored. A network failure, a 5xx, a 429 or a
/// proof not yet sealed is retried with exponential backoff and full jitter; after <see cref="NodeSyncOptions.MaxAttempts"/>
/// the sync stops with the exception, and the next sync resumes at the stored cursor.</para>
/// </remarks>
public sealed class PartnerSync
{
    private readonly IStore _store;
    private readonly NodeSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly StixValidator _validator;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    /// <summary>A sync engine over <paramref name="store"/>.</summary>
    public PartnerSync(IStore store, NodeSyncOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _validator = new StixValidator(new StixValidatorOptions { PatternValidator = new StixPatternValidator() });
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("Detente.Node.Sync");
    }

    /// <summary>The node's metrics, when the sync runs inside a node.</summary>
    internal NodeMetrics? Metrics { get; init; }

    /// <summary>Syncs every partner that has a subscription, one after the other.</summary>
    /// <exception cref="NodeConfigurationException">A partner cannot be synced as configured (no URL, key or connection).</exception>
    public async Task<IReadOnlyList<SyncReport>> SyncAllAsync(Func<SyncProgress, CancellationToken, Task>? onPage = null,
        CancellationToken cancellationToken = default)
    {
        var reports = new List<SyncReport>();
        IReadOnlyList<SubscriptionRecord> subscriptions = await _store.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false);
        foreach (string partner in subscriptions.Select(s => s.Partner).Distinct(StringComparer.Ordinal))
        {
            reports.Add(await SyncAsync(partner, onPage, cancellationToken).ConfigureAwait(false));
        }

        return reports;
    }

    /// <summary>Audits one partner's log and pulls its subscribed collections.</summary>
    /// <param name="partner">The partner's name.</param>
    /// <param name="onPage">Called after each stored page (progress display).</param>
    /// <param name="cancellationToken">Cancels the sync; what was stored stays, with its cursor.</param>
    /// <returns>The report; <see cref="SyncReport.Alarm"/> is set when an audit failed now or an alarm stands.</returns>
    /// <exception cref="NodeConfigurationException">The partner is unknown, has no URL, no pinned log key or no connection.</exception>
    /// <exception cref="HttpRequestException">The partner could not be reached or answered an error after every retry.</exception>
    /// <exception cref="TaxiiException">The partner refused a TAXII request (after retries for 5xx and 429).</exception>
    public async Task<SyncReport> SyncAsync(string partner, Func<SyncProgress, CancellationToken, Task>? onPage = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partner);
        SharingConfiguration sharing = await _store.GetSharingConfigurationAsync(cancellationToken).ConfigureAwait(false);
        PartnerRecord record = sharing.Partners.FirstOrDefault(p => string.Equals(p.Name, partner, StringComparison.Ordinal))
            ?? throw new NodeConfigurationException($"No partner {partner}.");
        if (record.Url is null)
        {
            NodeConfigurationException.Throw($"Partner {partner} has no URL: detente partner add … --url URL.");
        }

        PartnerLogRecord log = await _store.GetPartnerLogAsync(partner, cancellationToken).ConfigureAwait(false)
            ?? throw new NodeConfigurationException($"Partner {partner} has no pinned log key: detente partner add … --log-key VKEY.");
        if (log.Alarm is { } standing)
        {
            Log.SyncRefused(_logger, partner, standing);
            return new SyncReport(partner, 0, 0, 0, 0, log.Size, standing, ["refused: an audit alarm stands; review it, then detente audit clear " + partner]);
        }

        if (!NoteVerifierKey.TryParse(log.LogKey, out NoteVerifierKey? key))
        {
            throw new NodeConfigurationException($"Partner {partner}'s pinned log key is not a C2SP verifier key (name+hash+base64).");
        }

        PartnerConnection connection = _options.Connections(record)
            ?? throw new NodeConfigurationException($"No connection settings (token, certificates) for partner {partner} in the data folder.");
        using HttpClient http = connection.CreateHttpClient();
        var run = new Run(this, record, OriginKeys.From(sharing), connection, key, log, http, onPage);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    private TimeSpan Backoff(int attempt)
    {
        double bound = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(bound * Random.Shared.NextDouble());
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        // A certificate that is not trusted (or a client certificate refused) stays so: no retry, say it at once.
        HttpRequestException { InnerException: System.Security.Authentication.AuthenticationException } => false,
        HttpRequestException h => h.StatusCode is null || (int)h.StatusCode >= 500 || h.StatusCode == HttpStatusCode.TooManyRequests,
        TaxiiException t => (int)t.StatusCode >= 500 || t.StatusCode == HttpStatusCode.TooManyRequests,
        TaskCanceledException or TimeoutException => !cancellationToken.IsCancellationRequested,
        IOException => true,
        _ => false,
    };

    /// <summary>One sync of one partner: its state between steps.</summary>
    private sealed class Run(PartnerSync owner, PartnerRecord partner, OriginKeys origins, PartnerConnection connection, NoteVerifierKey key, PartnerLogRecord state,
        HttpClient http, Func<SyncProgress, CancellationToken, Task>? onPage)
    {
        private readonly NodeLogClient _log = new(http, partner.Url!);
        private PartnerTileCache? _tileCache;
        private readonly List<string> _checks = [];
        private readonly SemaphoreSlim _pinLock = new(1, 1);
        private readonly ConcurrentDictionary<(long Size, MerkleHash Root), bool> _consistent = new();
        private Checkpoint? _pinned = state.Checkpoint is { } note ? Checkpoint.FromNote(SignedNote.Parse(note.Span)) : null;
        private byte[]? _pinnedNote = state.Checkpoint?.ToArray();
        private Task<string?>? _storing;
        private int _pages;
        private long _new;
        private long _present;
        private long _refused;
        private long _redacted;

        private string Name => partner.Name;

        /// <summary>The partner's tiles for this sync (cached; reads retried like every request).</summary>
        private PartnerTileCache PartnerTiles => _tileCache ??= new PartnerTileCache(async (path, ct) =>
            await RetryAsync("tiles", async c => await _log.ReadTileAsync(path, c).ConfigureAwait(false), ct).ConfigureAwait(false));

        private ILogger Logger => owner._logger;

        public async Task<SyncReport> ExecuteAsync(CancellationToken cancellationToken)
        {
            try
            {
                byte[]? note = await RetryAsync("checkpoint", async ct => (await _log.ReadCheckpointAsync(ct).ConfigureAwait(false))?.ToArray(),
                    cancellationToken).ConfigureAwait(false);
                string? alarm;
                if (note is null)
                {
                    if (_pinnedNote is null)
                    {
                        throw new HttpRequestException($"Partner {Name} serves no checkpoint (404 for /log/checkpoint).", null, HttpStatusCode.NotFound);
                    }

                    alarm = await AlarmAsync(AuditFailures.Rollback, $"the partner serves no checkpoint after size {_pinned!.Size} was pinned",
                        ("pinned checkpoint", _pinnedNote), cancellationToken).ConfigureAwait(false);
                    return Report(alarm);
                }

                alarm = await AcceptLatestAsync(note, cancellationToken).ConfigureAwait(false)
                    ?? await CompareGossipAsync(cancellationToken).ConfigureAwait(false);
                if (alarm is not null)
                {
                    return Report(alarm);
                }

                foreach (SubscriptionRecord subscription in await owner._store.ListSubscriptionsAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (string.Equals(subscription.Partner, Name, StringComparison.Ordinal)
                        && await PullAsync(subscription, cancellationToken).ConfigureAwait(false) is { } failed)
                    {
                        return Report(failed);
                    }
                }

                await owner._store.MarkSyncedAsync(Name, owner._time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                Log.SyncDone(Logger, Name, _pages, _new, _pinned?.Size ?? 0);
                if (owner._options.Witness is { } witness && _pinnedNote is { } verified)
                {
                    try
                    {
                        await witness.CheckpointVerifiedAsync(Name, verified, _log, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        Log.AuditWitnessFailed(Logger, e, Name);
                    }
                }

                return Report(null);
            }
            finally
            {
                _pinLock.Dispose();
            }
        }

        private SyncReport Report(string? alarm) =>
            new(Name, _pages, _new, _present, _refused, _pinned?.Size, alarm, [.. _checks]) { ObjectsRedacted = _redacted };

        // ---- Checkpoints ----

        /// <summary>The partner's latest checkpoint: verified, not smaller than the pinned one, consistent with it; pinned.</summary>
        private async Task<string?> AcceptLatestAsync(byte[] note, CancellationToken cancellationToken)
        {
            (Checkpoint? checkpoint, string? alarm) = await VerifySignatureAsync(note, "checkpoint", cancellationToken).ConfigureAwait(false);
            if (checkpoint is null)
            {
                return alarm;
            }

            if (_pinned is { } pinned && checkpoint.Size < pinned.Size)
            {
                return await AlarmAsync(AuditFailures.Rollback,
                    string.Create(CultureInfo.InvariantCulture, $"the partner's checkpoint has size {checkpoint.Size}, after size {pinned.Size} was pinned"),
                    ("pinned checkpoint", _pinnedNote!), ("served checkpoint", note), cancellationToken).ConfigureAwait(false);
            }

            return await AdvanceAsync(checkpoint, note, "checkpoint", cancellationToken).ConfigureAwait(false);
        }

        private async Task<(Checkpoint? Checkpoint, string? Alarm)> VerifySignatureAsync(byte[] note, string what, CancellationToken cancellationToken)
        {
            string? problem;
            Checkpoint? checkpoint = null;
            try
            {
                NoteVerification verification = SignedNote.Parse(note).Verify([key]);
                checkpoint = verification.IsValid ? Checkpoint.FromNote(SignedNote.Parse(note)) : null;
                problem = !verification.IsValid ? verification.Message
                    : !string.Equals(checkpoint!.Origin, key.Name, StringComparison.Ordinal) ? $"its origin is '{checkpoint.Origin}', the pinned key's '{key.Name}'"
                    : null;
            }
            catch (LedgerFormatException e)
            {
                problem = "malformed: " + e.Message;
            }

            if (problem is null)
            {
                return (checkpoint, null);
            }

            return (null, await AlarmAsync(AuditFailures.BadSignature, $"the {what} does not verify with the pinned log key {key.Name}: {problem}",
                ("served " + what, note), cancellationToken).ConfigureAwait(false));
        }

        /// <summary>Relates a verified checkpoint to the pinned one: pins it when larger and consistent; checks consistency when
        /// smaller (an earlier checkpoint, as a proof may carry under concurrency); a failure is a split view.</summary>
        private async Task<string?> AdvanceAsync(Checkpoint checkpoint, byte[] note, string what, CancellationToken cancellationToken)
        {
            await _pinLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_pinned is not { } pinned)
                {
                    await PinAsync(null, checkpoint, note, cancellationToken).ConfigureAwait(false);
                    _checks.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{what} of size {checkpoint.Size} verified with {key.Name} and pinned (the first one: nothing to be consistent with)"));
                    return null;
                }

                if (_consistent.ContainsKey((checkpoint.Size, checkpoint.RootHash)))
                {
                    return null;
                }

                (Checkpoint older, Checkpoint newer) = checkpoint.Size < pinned.Size ? (checkpoint, pinned) : (pinned, checkpoint);
                bool consistent = await ProveConsistentAsync(older, newer, cancellationToken).ConfigureAwait(false);
                if (!consistent)
                {
                    return await AlarmAsync(AuditFailures.SplitView,
                        string.Create(CultureInfo.InvariantCulture,
                            $"the partner signed checkpoints of sizes {older.Size} and {newer.Size} that no append-only log explains (its {what} against the pinned one)"),
                        ("pinned checkpoint", _pinnedNote!), ("served " + what, note), cancellationToken).ConfigureAwait(false);
                }

                _consistent[(checkpoint.Size, checkpoint.RootHash)] = true;
                if (checkpoint.Size > pinned.Size)
                {
                    await PinAsync(pinned.Size, checkpoint, note, cancellationToken).ConfigureAwait(false);
                    _checks.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{what} of size {checkpoint.Size} verified with {key.Name}, consistent with the pinned size {pinned.Size}, pinned"));
                }
                else if (checkpoint.Size == pinned.Size && what == "checkpoint")
                {
                    _checks.Add(string.Create(CultureInfo.InvariantCulture, $"checkpoint of size {checkpoint.Size} verified with {key.Name}: unchanged since the last sync"));
                }

                return null;
            }
            finally
            {
                _pinLock.Release();
            }
        }

        private async Task PinAsync(long? expected, Checkpoint checkpoint, byte[] note, CancellationToken cancellationToken)
        {
            if (!await owner._store.PinCheckpointAsync(Name, expected, checkpoint.Size, note, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The pinned checkpoint of partner {Name} changed during the sync (another sync, or an alarm); sync again.");
            }

            _pinned = checkpoint;
            _pinnedNote = note;
            _consistent[(checkpoint.Size, checkpoint.RootHash)] = true;
        }

        /// <summary>True when the partner's tiles prove <paramref name="newer"/> extends <paramref name="older"/> (both signed).</summary>
        /// <exception cref="HttpRequestException">The partner does not serve the tiles of its own checkpoint.</exception>
        private async Task<bool> ProveConsistentAsync(Checkpoint older, Checkpoint newer, CancellationToken cancellationToken)
        {
            if (older.Size == newer.Size)
            {
                return older.RootHash == newer.RootHash;
            }

            if (older.Size == 0)
            {
                return true;
            }

            MerkleHash[] proof;
            try
            {
                proof = await RetryAsync("tiles", async ct => await MerkleProof.ConsistencyAsync(new TileHashReader(_log, newer.Size), older.Size, newer.Size, ct)
                    .ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                // A tile of a checkpoint the partner signed is missing or malformed: the log cannot be audited.
                throw new HttpRequestException($"Partner {Name} does not serve the tiles of its checkpoint of size {newer.Size}: {e.Message}", e);
            }

            return MerkleProof.VerifyConsistency(older.Size, newer.Size, older.RootHash, newer.RootHash, proof);
        }

        // ---- Gossip ----

        /// <summary>Compares the verified checkpoint with the partner's checkpoints the other partners gossip: any two signed,
        /// inconsistent checkpoints of the log are a split view.</summary>
        private async Task<string?> CompareGossipAsync(CancellationToken cancellationToken)
        {
            Checkpoint current = _pinned!;
            foreach (PartnerRecord other in await owner._store.ListPartnersAsync(cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(other.Name, Name, StringComparison.Ordinal) || other.Url is null
                    || owner._options.Connections(other) is not { } otherConnection)
                {
                    continue;
                }

                byte[]? gossip;
                using (HttpClient otherHttp = otherConnection.CreateHttpClient())
                {
                    try
                    {
                        gossip = await new NodeLogClient(otherHttp, other.Url).ReadGossipAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        Log.GossipUnavailable(Logger, other.Name, e.Message);
                        continue;
                    }
                }

                foreach (byte[] note in GossipDocument.Read(gossip ?? [], key.Name))
                {
                    NoteVerification verification;
                    Checkpoint seen;
                    try
                    {
                        verification = SignedNote.Parse(note).Verify([key]);
                        seen = Checkpoint.FromNote(SignedNote.Parse(note));
                    }
                    catch (LedgerFormatException)
                    {
                        continue;
                    }

                    if (!verification.IsValid || !string.Equals(seen.Origin, key.Name, StringComparison.Ordinal))
                    {
                        // Not signed by the partner: no evidence against it (the gossiper's own problem).
                        _checks.Add($"{other.Name} gossips a checkpoint of {key.Name} that does not verify; ignored");
                        continue;
                    }

                    bool? consistent = seen.Size <= current.Size
                        ? await ProveConsistentAsync(seen, current, cancellationToken).ConfigureAwait(false)
                        : await TryProveAheadAsync(current, seen, cancellationToken).ConfigureAwait(false);
                    if (consistent == false)
                    {
                        return await AlarmAsync(AuditFailures.SplitView,
                            string.Create(CultureInfo.InvariantCulture,
                                $"the partner showed this node a checkpoint of size {current.Size} and {other.Name} one of size {seen.Size}, and no append-only log explains both"),
                            ("checkpoint served to this node", _pinnedNote!), ($"checkpoint gossiped by {other.Name}", note), cancellationToken).ConfigureAwait(false);
                    }

                    _checks.Add(consistent == true
                        ? string.Create(CultureInfo.InvariantCulture, $"consistent with the checkpoint of size {seen.Size} that {other.Name} gossips")
                        : string.Create(CultureInfo.InvariantCulture, $"{other.Name} gossips a larger checkpoint (size {seen.Size}) whose tiles the partner does not serve yet; compared next sync"));
                }
            }

            return null;
        }

        private async Task<bool?> TryProveAheadAsync(Checkpoint current, Checkpoint ahead, CancellationToken cancellationToken)
        {
            try
            {
                return await ProveConsistentAsync(current, ahead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }

        // ---- Pages ----

        private async Task<string?> PullAsync(SubscriptionRecord subscription, CancellationToken cancellationToken)
        {
            Collection local = await owner._store.GetCollectionAsync(subscription.CollectionId, cancellationToken).ConfigureAwait(false)
                ?? throw new NodeConfigurationException($"The subscription's collection {subscription.CollectionId} does not exist.");
            Uri apiRoot = NodeOptions.ApiRootUrl(partner.Url!, subscription.ApiRoot);
            var client = new TaxiiClient(http, partner.Url!, new TaxiiClientOptions
            {
                Credentials = connection.Token is { } token ? TaxiiCredentials.Bearer(token) : null,
                LoggerFactory = owner._loggerFactory,
            });
            StixTimestamp? cursor = subscription.Cursor is { } text ? StixTimestamp.Parse(text) : null;
            Task<TaxiiPage<TaxiiEnvelope>> FetchAsync(StixTimestamp? after)
            {
                var query = new TaxiiObjectQuery { AddedAfter = after, Limit = owner._options.PageSize, Versions = TaxiiVersionFilter.All };
                return RetryAsync("objects page", ct => client.GetObjectsAsync(apiRoot, subscription.RemoteCollection, query, ct), cancellationToken);
            }

            // One page ahead at most: the next page is fetched while this one is checked and stored.
            Task<TaxiiPage<TaxiiEnvelope>>? ahead = FetchAsync(cursor);
            try
            {
                for (int page = 1; ; page++)
                {
                    TaxiiPage<TaxiiEnvelope> result = await ahead!.ConfigureAwait(false);
                    ahead = null;
                    IReadOnlyList<TaxiiEnvelopeObject> objects = result.Resource.Objects;
                    if (objects.Count == 0)
                    {
                        return await SettleStoreAsync().ConfigureAwait(false);
                    }

                    if (result.DateAddedLast is not { } last || (cursor is { } previous && last <= previous))
                    {
                        throw new TaxiiFormatException($"Partner {Name} sent a page of objects without an X-TAXII-Date-Added-Last after the cursor.");
                    }

                    if (result.Resource.More)
                    {
                        ahead = FetchAsync(last);
                    }

                    // The page's log openings are fetched while the page is checked: the same query, so the same versions.
                    Task<OpeningsAnswer> openings = GetOpeningsAsync(subscription,
                        new TaxiiObjectQuery { AddedAfter = cursor, Limit = objects.Count, Versions = TaxiiVersionFilter.All }, cancellationToken);
                    var valid = new List<(TaxiiEnvelopeObject Item, ObjectToAdd Object)>(objects.Count);
                    int refused = 0;
                    DateTimeOffset now = owner._time.GetUtcNow();
                    (StatusDetail Detail, ObjectToAdd? Object, OriginVerdict? Verdict)[] checks = CheckPage(objects, local, now, cancellationToken);
                    for (int i = 0; i < objects.Count; i++)
                    {
                        (StatusDetail detail, ObjectToAdd? toAdd, OriginVerdict? verdict) = checks[i];
                        if (verdict is { IsAccepted: false } refusal)
                        {
                            // The partner served an object whose origin does not hold (unsigned, forged, or not by a key of its
                            // creator): an audit failure like a missing log entry, never a quiet skip.
                            owner.Metrics?.RecordOrigin(refusal);
                            Observe(openings);
                            return await AlarmAsync(AuditFailures.ObjectOrigin,
                                $"{detail.Id} (version {detail.Version}) was received with an origin that does not hold: {refusal.Reason}",
                                ("object as received", objects[i].Json.ToArray()), cancellationToken).ConfigureAwait(false);
                        }

                        if (toAdd is null)
                        {
                            refused++;
                            Log.SyncObjectRefused(Logger, Name, detail.Id);
                        }
                        else
                        {
                            valid.Add((objects[i], toAdd));
                        }
                    }

                    var redacted = new HashSet<ObjectToAdd>(ReferenceEqualityComparer.Instance);
                    if (await ProvePageIncludedAsync(subscription, openings, valid, redacted, cancellationToken).ConfigureAwait(false) is { } alarm)
                    {
                        return alarm;
                    }

                    // Page N is stored while page N+1 is checked: at most one page stored, one checked and one fetched at
                    // once. Pages (and their cursors) are stored one after the other, in order; an alarm of a later page is
                    // raised only after the earlier page's store ended (AlarmAsync waits for it).
                    if (await SettleStoreAsync().ConfigureAwait(false) is { } refusedAlarm)
                    {
                        return refusedAlarm;
                    }

                    List<ObjectToAdd> toStore = [.. valid.Select(v => v.Object)];
                    var progress = new SyncProgress(Name, subscription.ApiRoot, subscription.RemoteCollection, page, objects.Count, 0, refused, last.ToString());
                    // On the thread pool: the store's work is mostly synchronous (SQLite), and this thread goes on checking.
                    _storing = Task.Run(() => StorePageAsync(local, subscription, toStore, redacted, progress, cancellationToken), CancellationToken.None);
                    cursor = last;
                    if (!result.Resource.More)
                    {
                        return await SettleStoreAsync().ConfigureAwait(false);
                    }
                }
            }
            catch when (_storing is not null)
            {
                // The page being stored is stored (or fails) before the sync stops with this exception.
                await SettleStoreQuietlyAsync().ConfigureAwait(false);
                throw;
            }
            finally
            {
                _storing = null;
                if (ahead is not null)
                {
                    Observe(ahead);
                }
            }
        }

        /// <summary>Waits for the page being stored, if any; its alarm when the store refused the partner (a standing alarm).</summary>
        private async Task<string?> SettleStoreAsync()
        {
            // Not cleared here: several alarms of one page may wait for it at once.
            return _storing is { } storing ? await storing.ConfigureAwait(false) : null;
        }

        /// <summary>Waits for the page being stored, if any, when the sync already stops with an exception (the store's own
        /// failure is then of no further interest: the next sync resumes at the stored cursor).</summary>
        private async Task SettleStoreQuietlyAsync()
        {
            try
            {
                _ = await SettleStoreAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is StoreException or OperationCanceledException or InvalidOperationException or System.Data.Common.DbException)
            {
                Log.SyncStoreAbandoned(Logger, Name, e.Message);
            }
        }

        /// <summary>Stores one checked page with its provenance and cursor in one transaction, then counts and reports it; the
        /// standing alarm when the store refuses the partner.</summary>
        private async Task<string?> StorePageAsync(Collection local, SubscriptionRecord subscription, List<ObjectToAdd> toStore, HashSet<ObjectToAdd> redacted,
            SyncProgress progress, CancellationToken cancellationToken)
        {
            AddObjectsResult added;
            try
            {
                added = await owner._store.AddReceivedObjectsAsync(local.Id, toStore,
                    new ReceivedBatch(Name, subscription.ApiRoot, subscription.RemoteCollection, owner._time.GetUtcNow(), progress.Cursor)
                    {
                        Redacted = redacted,
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (e.Error == StoreError.PartnerNotAccepted)
            {
                PartnerLogRecord? standing = await owner._store.GetPartnerLogAsync(Name, CancellationToken.None).ConfigureAwait(false);
                return standing?.Alarm ?? e.Message;
            }

            int fresh = added.AddedCount;
            int freshRedacted = 0;
            for (int i = 0; i < toStore.Count; i++)
            {
                if (!added.Objects[i].AlreadyPresent && redacted.Contains(toStore[i]))
                {
                    freshRedacted++;
                }
            }

            if (freshRedacted > 0)
            {
                _redacted += freshRedacted;
                Log.SyncReceivedRedacted(Logger, Name, subscription.ApiRoot, subscription.RemoteCollection, progress.Page, freshRedacted);
            }

            _pages++;
            _new += fresh;
            _present += added.AlreadyPresentCount;
            _refused += progress.Refused;
            owner.Metrics?.RecordObjectsStored(fresh);
            owner.Metrics?.RecordSyncObjects(Name, fresh);
            Log.SyncPage(Logger, Name, subscription.ApiRoot, subscription.RemoteCollection, progress.Page, progress.Objects, fresh, progress.Refused);
            if (onPage is not null)
            {
                await onPage(progress with { New = fresh }, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }

        /// <summary>The checks of every object of a page (<c>ObjectIngest.Check</c>: validation, media type, origin signature),
        /// spread over <see cref="NodeSyncOptions.CheckConcurrency"/> threads; answered in page order, so that the caller acts on
        /// the first failing object exactly as a check in order would.</summary>
        private (StatusDetail Detail, ObjectToAdd? Object, OriginVerdict? Verdict)[] CheckPage(IReadOnlyList<TaxiiEnvelopeObject> objects, Collection local,
            DateTimeOffset now, CancellationToken cancellationToken)
        {
            var checks = new (StatusDetail Detail, ObjectToAdd? Object, OriginVerdict? Verdict)[objects.Count];
            Parallel.For(0, objects.Count, new ParallelOptions { MaxDegreeOfParallelism = owner._options.CheckConcurrency, CancellationToken = cancellationToken },
                i => checks[i] = Canonical(objects[i], ObjectIngest.Check(owner._validator, objects[i], i, local, o => Origin(o, now))));
            return checks;
        }

        /// <summary>Marks an object to store as canonical when the partner sent it in its RFC 8785 form (as nodes serve what they
        /// sign): the store then commits to those bytes in its log entry, and the inclusion check uses them, instead of each
        /// canonicalizing the object again. The bytes stored are the bytes received either way.</summary>
        private static (StatusDetail Detail, ObjectToAdd? Object, OriginVerdict? Verdict) Canonical(TaxiiEnvelopeObject item,
            (StatusDetail Detail, ObjectToAdd? Object, OriginVerdict? Verdict) check)
        {
            if (check.Object is not { JsonIsCanonical: false } toAdd)
            {
                return check;
            }

            try
            {
                return item.Object.Canonicalize().AsSpan().SequenceEqual(item.Json.Span) ? check with { Object = toAdd with { JsonIsCanonical = true } } : check;
            }
            catch (ArgumentException)
            {
                // No RFC 8785 form (an unpaired surrogate): the store and the inclusion check decide about it as before.
                return check;
            }
        }

        /// <summary>The origin check of a received object (<see cref="OriginVerifier.CheckPartner"/>).</summary>
        private (OriginVerdict Verdict, StixObject? ToStore) Origin(StixObject received, DateTimeOffset now)
        {
            OriginVerdict verdict = OriginVerifier.CheckPartner(origins, Name, received, now);
            return (verdict, verdict.IsAccepted ? received : null);
        }

        /// <summary>Every object of the page is in the partner's log, from the page's openings: the openings' checkpoint verifies
        /// and is consistent with the pinned one, and for each object the entry at its leaf index (from the partner's entry
        /// bundles) commits to the object as received with its salt and is included in the checkpoint's tree (an inclusion
        /// proof made from the partner's tiles, checked against the signed root). An object without an opening, or whose tiles
        /// the partner does not serve, is proven with its own proof request; a partner that serves no openings (a node without
        /// the route) is audited with one proof request per object.</summary>
        /// <remarks>A version the openings mark as redacted (the partner serves it redacted: its log commits to the full object,
        /// so no opening can prove it) is accepted <em>redacted and unproven</em>, added to <paramref name="redacted"/>, when it
        /// carries the partner node's redaction signature (<see cref="IsSignedRedaction"/>) and the operator did not refuse the
        /// partner's redacted versions (<see cref="PartnerRecord.RefuseRedacted"/>); otherwise it is a <c>missing-object</c>.</remarks>
        private async Task<string?> ProvePageIncludedAsync(SubscriptionRecord subscription, Task<OpeningsAnswer> pending,
            List<(TaxiiEnvelopeObject Item, ObjectToAdd Object)> valid, HashSet<ObjectToAdd> redacted, CancellationToken cancellationToken)
        {
            OpeningsAnswer answer = await pending.ConfigureAwait(false);
            if (valid.Count == 0)
            {
                return null;
            }

            if (answer.Openings is not { } openings)
            {
                return await ProveIncludedAsync(subscription, valid, cancellationToken).ConfigureAwait(false);
            }

            byte[] note = Encoding.UTF8.GetBytes(openings.Checkpoint);
            (Checkpoint? checkpoint, string? alarm) = await VerifySignatureAsync(note, "openings' checkpoint", cancellationToken).ConfigureAwait(false);
            if (checkpoint is null)
            {
                return alarm;
            }

            if (checkpoint.Size != openings.TreeSize)
            {
                return await AlarmAsync(AuditFailures.MissingObject,
                    string.Create(CultureInfo.InvariantCulture, $"the partner's openings name the tree size {openings.TreeSize}, their checkpoint {checkpoint.Size}"),
                    ("openings answer", Encoding.UTF8.GetBytes(answer.Body)), cancellationToken).ConfigureAwait(false);
            }

            if (await AdvanceAsync(checkpoint, note, "openings' checkpoint", cancellationToken).ConfigureAwait(false) is { } advanced)
            {
                return advanced;
            }

            var byVersion = new Dictionary<(string Id, StixTimestamp Version), LogOpening>();
            var byId = new Dictionary<string, LogOpening?>(StringComparer.Ordinal);
            var redactedVersions = new HashSet<(string Id, StixTimestamp Version)>();
            foreach (LogOpening opening in openings.Openings)
            {
                if (opening.IsRedacted)
                {
                    if (StixTimestamp.TryParse(opening.Version, out StixTimestamp marked))
                    {
                        redactedVersions.Add((opening.ObjectId, marked));
                    }

                    continue;
                }

                if (StixTimestamp.TryParse(opening.Version, out StixTimestamp version))
                {
                    byVersion.TryAdd((opening.ObjectId, version), opening);
                }

                // An id with several openings cannot stand for a version-less object: none.
                byId[opening.ObjectId] = byId.ContainsKey(opening.ObjectId) ? null : opening;
            }

            var hashes = new MemoizedHashReader(new TileHashReader(PartnerTiles, checkpoint.Size));
            var bundles = new Dictionary<long, ReadOnlyMemory<byte>[]>();

            // First, in order and on this thread, what each opening needs from the partner's tiles (its entry, its audit path);
            // then every entry and path checked at once; then the outcomes read in page order, so that the first failing
            // object raises the alarm as a check in order would.
            var opened = new OpenedObject?[valid.Count];
            bool[] isRedacted = new bool[valid.Count];
            (int Index, string Problem, StixTimestamp Version)? refusedRedacted = null;
            int stop = valid.Count;
            for (int i = 0; i < valid.Count; i++)
            {
                StixObject stixObject = valid[i].Item.Object;
                StixTimestamp? version = stixObject.Modified ?? stixObject.Created;
                LogOpening? opening = version is { } known ? byVersion.GetValueOrDefault((stixObject.Id!, known)) : byId.GetValueOrDefault(stixObject.Id!);
                if (opening is null && version is { } stamp && redactedVersions.Contains((stixObject.Id!, stamp)))
                {
                    isRedacted[i] = true;
                    if (RedactedProblem(stixObject) is { } refused)
                    {
                        refusedRedacted = (i, refused, stamp);
                        stop = i + 1;
                        break;
                    }

                    redacted.Add(valid[i].Object);
                    continue;
                }

                if (opening is null)
                {
                    continue;
                }

                OpenedObject? prepared = await OpenAsync(opening, checkpoint, bundles, cancellationToken).ConfigureAwait(false);
                opened[i] = prepared;
                if (prepared?.Problem is not null)
                {
                    // Nothing after the first object known to fail matters.
                    stop = i + 1;
                    break;
                }
            }

            // Each entry against its object (origin, commitment), with its leaf hash; then the page's leaves verified together as
            // one multi-leaf inclusion in the signed root (each interior node hashed once). Only when that fails (or a tile is not
            // served) is each leaf's own audit path read and checked, to find the first object that fails, as before.
            var problems = new string?[stop];
            var leafHashes = new MerkleHash[stop];
            Parallel.For(0, stop, new ParallelOptions { MaxDegreeOfParallelism = owner._options.CheckConcurrency, CancellationToken = cancellationToken },
                i =>
                {
                    if (opened[i] is { } o)
                    {
                        problems[i] = o.Problem ?? o.Check(valid[i].Item.Object, valid[i].Object, checkpoint);
                        leafHashes[i] = problems[i] is null ? MerkleHasher.HashLeaf(o.Entry.Span) : default;
                    }
                });
            var leaves = new List<(long Index, MerkleHash Hash)>(stop);
            for (int i = 0; i < stop; i++)
            {
                if (opened[i] is { } o && problems[i] is null)
                {
                    leaves.Add((o.Opening.LeafIndex, leafHashes[i]));
                }
            }

            bool included;
            try
            {
                included = leaves.Count > 0
                    && await MerkleProof.VerifyInclusionOfLeavesAsync(hashes, checkpoint.Size, leaves, checkpoint.RootHash, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                included = false; // a tile is not served: each path on its own below
            }

            for (int i = 0; i < stop; i++)
            {
                if (opened[i] is not { } o || problems[i] is not null)
                {
                    continue;
                }

                if (included)
                {
                    opened[i] = o with { Included = true };
                    continue;
                }

                if (await PathAsync(o, checkpoint, hashes, cancellationToken).ConfigureAwait(false) is { } path)
                {
                    opened[i] = o with { Path = path, Included = true };
                    problems[i] = opened[i]!.Check(valid[i].Item.Object, valid[i].Object, checkpoint);
                }
            }

            var unopened = new List<(TaxiiEnvelopeObject Item, ObjectToAdd Object)>();
            for (int i = 0; i < stop; i++)
            {
                (TaxiiEnvelopeObject Item, ObjectToAdd Object) v = valid[i];
                if (refusedRedacted is { } refused && refused.Index == i)
                {
                    byte[] marked = new LogOpenings(openings.TreeSize, openings.Checkpoint,
                        [LogOpening.Redacted(v.Item.Object.Id!, refused.Version.ToString())]).ToJson();
                    return await AlarmAsync(AuditFailures.MissingObject,
                        $"{v.Item.Object.Id} (version {refused.Version}) was received but is not in the partner's log: {refused.Problem}",
                        ("object as received", v.Item.Json.ToArray()), ("opening answered", marked), cancellationToken).ConfigureAwait(false);
                }

                if (isRedacted[i])
                {
                    continue; // received redacted and unproven
                }

                if (opened[i] is not { } o || problems[i] is null && !o.Included)
                {
                    // No opening, or a tile or bundle of the checkpoint is not served: this object is proven on its own.
                    unopened.Add(v);
                    continue;
                }

                if (problems[i] is { } problem)
                {
                    StixObject stixObject = v.Item.Object;
                    byte[] evidence = new LogOpenings(openings.TreeSize, openings.Checkpoint, [o.Opening]).ToJson();
                    return await AlarmAsync(AuditFailures.MissingObject,
                        $"{stixObject.Id} (version {(stixObject.Modified ?? stixObject.Created)?.ToString() ?? "none"}) was received but is not in the partner's log: {problem}",
                        ("object as received", v.Item.Json.ToArray()),
                        ("opening answered", [.. evidence, .. "\n--- entry at the leaf index ---\n"u8, .. o.Entry.Span]), cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            if (valid.Count > unopened.Count + redacted.Count)
            {
                _checks.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{valid.Count - unopened.Count - redacted.Count} objects of {subscription.ApiRoot}/{subscription.RemoteCollection} proven included in the partner's log of size {checkpoint.Size} (openings, tiles)"));
            }

            if (redacted.Count > 0)
            {
                _checks.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{redacted.Count} objects of {subscription.ApiRoot}/{subscription.RemoteCollection} received redacted and unproven (signed by the partner's node as their creator; its log commits to the full objects)"));
            }

            return unopened.Count == 0 ? null : await ProveIncludedAsync(subscription, unopened, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Why a version the openings mark as redacted is not accepted redacted and unproven, or null when it is: the
        /// operator refuses the partner's redacted versions, or the version does not carry the partner node's redaction
        /// signature (<see cref="IsSignedRedaction"/>).</summary>
        private string? RedactedProblem(StixObject received)
        {
            if (partner.RefuseRedacted)
            {
                return $"the partner serves it redacted, so its log cannot prove it, and this node refuses redacted versions from partner {Name}";
            }

            return IsSignedRedaction(received) ? null
                : $"the partner's openings mark it redacted, but it is not signed by a key of partner {Name} as its creator ({partner.Identity}), "
                    + "as a version its node redacts is";
        }

        /// <summary>
        /// True when <paramref name="received"/> carries the partner node's redaction signature: a node redacts and serves
        /// only what it created, signed again with its own key (<see cref="NodeRedaction"/>), so the object's
        /// <c>created_by_ref</c> must be the partner's own identity (neither one it delegates to nor a forwarded origin's) and
        /// a signature by a key of the partner, valid now, must verify.
        /// </summary>
        private bool IsSignedRedaction(StixObject received) =>
            string.Equals(received.CreatedByRef, partner.Identity, StringComparison.Ordinal)
            && OriginVerifier.CheckPartner(origins, Name, received, owner._time.GetUtcNow()).Code == OriginCode.Verified;

        /// <summary>What checking one opening needs first from the partner's tiles: the entry at its leaf index (its audit path is
        /// read only when the page's leaves do not verify together, <see cref="PathAsync"/>). Null when the entry's bundle is not
        /// served; an opening past the checkpoint's size comes back with its problem.</summary>
        private async Task<OpenedObject?> OpenAsync(LogOpening opening, Checkpoint checkpoint, Dictionary<long, ReadOnlyMemory<byte>[]> bundles,
            CancellationToken cancellationToken)
        {
            long leaf = opening.LeafIndex;
            if (leaf >= checkpoint.Size)
            {
                return new OpenedObject(opening, ReadOnlyMemory<byte>.Empty, null)
                {
                    Problem = string.Create(CultureInfo.InvariantCulture, $"the opening names leaf {leaf}, past the checkpoint's size {checkpoint.Size}"),
                };
            }

            long bundleIndex = leaf / TilePath.FullWidth;
            if (!bundles.TryGetValue(bundleIndex, out ReadOnlyMemory<byte>[]? entries))
            {
                try
                {
                    entries = await ReadBundleAsync(bundleIndex, checkpoint.Size, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    return null;
                }

                bundles[bundleIndex] = entries;
            }

            return new OpenedObject(opening, entries[(int)(leaf % TilePath.FullWidth)], null);
        }

        /// <summary>The audit path of an opened object's leaf in <paramref name="checkpoint"/>'s tree, from the partner's tiles;
        /// null when a tile of the path is not served.</summary>
        private static async Task<MerkleHash[]?> PathAsync(OpenedObject opened, Checkpoint checkpoint, MemoizedHashReader hashes, CancellationToken cancellationToken)
        {
            try
            {
                return await MerkleProof.InclusionAsync(hashes, opened.Opening.LeafIndex, checkpoint.Size, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        /// <summary>The entries of one bundle of a tree of <paramref name="size"/> leaves (a full bundle stands in for a
        /// partial one that is gone).</summary>
        /// <exception cref="InvalidOperationException">The bundle is missing or malformed.</exception>
        private async Task<ReadOnlyMemory<byte>[]> ReadBundleAsync(long index, long size, CancellationToken cancellationToken)
        {
            TilePath path = TileLayout.TileAt(TilePath.EntriesLevel, index, size);
            try
            {
                if (await PartnerTiles.ReadTileAsync(path, cancellationToken).ConfigureAwait(false) is { } data)
                {
                    return EntryBundle.Decode(data, path.Width);
                }

                if (!path.IsFull && await PartnerTiles.ReadTileAsync(path.AsFull(), cancellationToken).ConfigureAwait(false) is { } full)
                {
                    return EntryBundle.Decode(full, TilePath.FullWidth)[..path.Width];
                }
            }
            catch (LedgerFormatException e)
            {
                throw new InvalidOperationException($"The partner's entry bundle {path} is malformed: {e.Message}", e);
            }

            throw new InvalidOperationException($"The partner does not serve the entry bundle {path}.");
        }

        /// <summary>The openings of a page; a 503 (not sealed yet) and transient failures are retried.</summary>
        private async Task<OpeningsAnswer> GetOpeningsAsync(SubscriptionRecord subscription, TaxiiObjectQuery query, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                OpeningsAnswer answer = await RetryAsync("openings", ct => _log.GetOpeningsAsync(subscription.ApiRoot, subscription.RemoteCollection, query, ct),
                    cancellationToken).ConfigureAwait(false);
                bool retry = answer.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests || (int)answer.Status >= 500;
                if (!retry || attempt >= owner._options.MaxAttempts)
                {
                    return answer;
                }

                TimeSpan delay = owner.Backoff(attempt);
                Log.SyncRetry(Logger, Name, "openings", attempt, (long)delay.TotalMilliseconds, ((int)answer.Status).ToString(CultureInfo.InvariantCulture));
                await Task.Delay(delay, owner._time, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Observes a task that is no longer awaited (its failure is of no interest).</summary>
        private static void Observe(Task task) => _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        private async Task<string?> ProveIncludedAsync(SubscriptionRecord subscription, List<(TaxiiEnvelopeObject Item, ObjectToAdd Object)> valid,
            CancellationToken cancellationToken)
        {
            var failures = new ConcurrentQueue<(TaxiiEnvelopeObject Item, string Problem, string Answer)>();
            var alarms = new ConcurrentQueue<string>();
            await Parallel.ForEachAsync(valid, new ParallelOptions { MaxDegreeOfParallelism = owner._options.ProofConcurrency, CancellationToken = cancellationToken },
                async (v, ct) =>
                {
                    if (!failures.IsEmpty || !alarms.IsEmpty)
                    {
                        return;
                    }

                    StixObject stixObject = v.Item.Object;
                    string? version = (stixObject.Modified ?? stixObject.Created)?.ToString();
                    ProofAnswer answer = await GetProofAsync(subscription, stixObject.Id!, version, ct).ConfigureAwait(false);
                    if (answer.Proof is not { } proof)
                    {
                        failures.Enqueue((v.Item, answer.Problem ?? $"the partner answered {(int)answer.Status} to the proof request", answer.Body));
                        return;
                    }

                    string? problem = !string.Equals(proof.ObjectId, stixObject.Id, StringComparison.Ordinal) ? $"the proof is of {proof.ObjectId}"
                        : version is not null && !StixTimestamp.TryParse(proof.Version, out StixTimestamp pv) ? "the proof names no version"
                        : version is not null && StixTimestamp.Parse(proof.Version) != StixTimestamp.Parse(version) ? $"the proof is of version {proof.Version}"
                        : proof.Verify(key, stixObject);
                    if (problem is not null)
                    {
                        failures.Enqueue((v.Item, problem, answer.Body));
                        return;
                    }

                    byte[] note = Encoding.UTF8.GetBytes(proof.Checkpoint);
                    Checkpoint checkpoint = Checkpoint.FromNote(SignedNote.Parse(note));
                    if (await AdvanceAsync(checkpoint, note, "proof's checkpoint", ct).ConfigureAwait(false) is { } alarm)
                    {
                        alarms.Enqueue(alarm);
                    }
                }).ConfigureAwait(false);
            if (alarms.TryPeek(out string? raised))
            {
                return raised;
            }

            if (failures.TryPeek(out (TaxiiEnvelopeObject Item, string Problem, string Answer) failure))
            {
                return await AlarmAsync(AuditFailures.MissingObject,
                    $"{failure.Item.Object.Id} (version {(failure.Item.Object.Modified ?? failure.Item.Object.Created)?.ToString() ?? "none"}) was received but is not in the partner's log: {failure.Problem}",
                    ("object as received", failure.Item.Json.ToArray()), ("proof answer", Encoding.UTF8.GetBytes(failure.Answer)), cancellationToken)
                    .ConfigureAwait(false);
            }

            if (valid.Count > 0)
            {
                _checks.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{valid.Count} objects of {subscription.ApiRoot}/{subscription.RemoteCollection} proven included in the partner's log"));
            }

            return null;
        }

        /// <summary>The proof of a version; a 503 (not sealed yet) and transient failures are retried.</summary>
        private async Task<ProofAnswer> GetProofAsync(SubscriptionRecord subscription, string objectId, string? version, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                ProofAnswer answer = await RetryAsync("proof", ct => _log.GetProofAsync(subscription.ApiRoot, subscription.RemoteCollection, objectId, version, null, ct),
                    cancellationToken).ConfigureAwait(false);
                bool retry = answer.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests || (int)answer.Status >= 500;
                if (!retry)
                {
                    return answer;
                }

                if (attempt >= owner._options.MaxAttempts)
                {
                    throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture,
                        $"Partner {Name} answered {(int)answer.Status} to {attempt} proof requests for {objectId}."), null, answer.Status);
                }

                TimeSpan delay = owner.Backoff(attempt);
                Log.SyncRetry(Logger, Name, "proof", attempt, (long)delay.TotalMilliseconds, ((int)answer.Status).ToString(CultureInfo.InvariantCulture));
                await Task.Delay(delay, owner._time, cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<T> RetryAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await operation(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (attempt < owner._options.MaxAttempts && IsTransient(e, cancellationToken))
                {
                    TimeSpan delay = owner.Backoff(attempt);
                    Log.SyncRetry(Logger, Name, what, attempt, (long)delay.TotalMilliseconds, e.Message);
                    await Task.Delay(delay, owner._time, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // ---- Alarms ----

        private async Task<string> AlarmAsync(string kind, string message, (string Label, byte[] Bytes) first, CancellationToken cancellationToken) =>
            await AlarmAsync(kind, message, first, null, cancellationToken).ConfigureAwait(false);

        private async Task<string> AlarmAsync(string kind, string message, (string Label, byte[] Bytes) first, (string Label, byte[] Bytes)? second,
            CancellationToken cancellationToken)
        {
            // The page before the failing one is stored first: an alarm stops the store from taking the partner's objects.
            _ = await SettleStoreAsync().ConfigureAwait(false);
            var evidence = new StringBuilder();
            evidence.Append("partner: ").Append(Name).Append('\n').Append("log key: ").Append(key).Append('\n').Append("kind: ").Append(kind).Append('\n')
                .Append("finding: ").Append(message).Append('\n');
            foreach ((string Label, byte[] Bytes) part in second is { } s ? [first, s] : new[] { first })
            {
                evidence.Append("\n--- ").Append(part.Label).Append(" ---\n").Append(Encoding.UTF8.GetString(part.Bytes));
                if (part.Bytes.Length == 0 || part.Bytes[^1] != (byte)'\n')
                {
                    evidence.Append('\n');
                }
            }

            var record = new AuditEvidenceRecord(Guid.NewGuid(), Name, owner._time.GetUtcNow(), kind, message, Encoding.UTF8.GetBytes(evidence.ToString()));

            // The evidence and the alarm are kept even when the sync was cancelled meanwhile.
            await owner._store.RaiseAlarmAsync(record, CancellationToken.None).ConfigureAwait(false);
            Log.AuditAlarm(Logger, Name, kind, message);
            owner.Metrics?.RecordAuditAlarm(Name, kind);
            string alarm = kind + ": " + message;
            _checks.Add("ALARM " + alarm);
            _ = cancellationToken;
            return alarm;
        }
    }
}

/// <summary>One opening of a page with what checking it needs from the partner's tiles: the entry at its leaf index (its bytes,
/// empty when the opening is already known to fail) and the leaf's audit path in the checkpoint's tree (null when a tile of the
/// path is not served).</summary>
internal sealed record OpenedObject(LogOpening Opening, ReadOnlyMemory<byte> Entry, MerkleHash[]? Path)
{
    /// <summary>Why the opening fails before its entry is read (a leaf past the checkpoint's size); null otherwise.</summary>
    public string? Problem { get; init; }

    /// <summary>True when the leaf's inclusion in the checkpoint's tree was checked: with the page's other leaves at once, or with
    /// <see cref="Path"/>; false when a tile was not served (the object is then proven with its own proof request).</summary>
    public bool Included { get; init; }

    /// <summary>Null when the entry is of the log's origin, commits to <paramref name="stixObject"/> with the opening's salt and,
    /// when the path is known, is included in <paramref name="checkpoint"/>'s tree; else the problem. <paramref name="toStore"/>
    /// is the object as it will be stored (its canonical bytes, when it says it has them, stand for the object's). Safe to call
    /// from several threads at once.</summary>
    public string? Check(StixObject stixObject, ObjectToAdd toStore, Checkpoint checkpoint)
    {
        long leaf = Opening.LeafIndex;
        LogEntry entry;
        try
        {
            entry = LogEntry.Parse(Entry.Span);
        }
        catch (LedgerFormatException e)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the entry at leaf {leaf} is malformed: {e.Message}");
        }

        if (!string.Equals(entry.Origin, checkpoint.Origin, StringComparison.Ordinal))
        {
            return $"the entry at leaf {leaf.ToString(CultureInfo.InvariantCulture)} names the origin '{entry.Origin}', the checkpoint '{checkpoint.Origin}'";
        }

        bool matches = toStore.JsonIsCanonical
            ? entry.MatchesCanonical(stixObject.Id!, toStore.Json.Span, Opening.Salt.Span)
            : entry.Matches(stixObject, Opening.Salt.Span);
        if (entry.IsRecord || !matches)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the entry at leaf {leaf} does not commit to this object with the opening's salt");
        }

        return Path is null || MerkleProof.VerifyInclusion(leaf, checkpoint.Size, entry.LeafHash, Path, checkpoint.RootHash)
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"the partner's tiles do not lead from the entry at leaf {leaf} to the checkpoint's root");
    }
}

/// <summary>The gossip document of <c>GET /log/gossip</c>: the latest checkpoint this node verified of each partner log.</summary>
/// <remarks><c>{"checkpoints":[{"origin":"…","checkpoint":"&lt;signed note text&gt;"}, …]}</c>, by origin.</remarks>
public static class GossipDocument
{
    /// <summary>The most checkpoints read from one document.</summary>
    public const int MaxCheckpoints = 1_000;

    /// <summary>Writes the document.</summary>
    public static byte[] Write(IEnumerable<(string Origin, string Checkpoint)> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("checkpoints");
            foreach ((string origin, string checkpoint) in checkpoints.OrderBy(c => c.Origin, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("origin", origin);
                writer.WriteString("checkpoint", checkpoint);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The checkpoint notes of <paramref name="origin"/> in a document; nothing for a document that is not one.</summary>
    public static IReadOnlyList<byte[]> Read(ReadOnlySpan<byte> document, string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var found = new List<byte[]>();
        try
        {
            using JsonDocument json = JsonDocument.Parse(document.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            if (!json.RootElement.TryGetProperty("checkpoints", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            {
                return found;
            }

            foreach (JsonElement item in list.EnumerateArray().Take(MaxCheckpoints))
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("origin", out JsonElement o) && o.ValueKind == JsonValueKind.String && o.GetString() == origin
                    && item.TryGetProperty("checkpoint", out JsonElement c) && c.ValueKind == JsonValueKind.String)
                {
                    found.Add(Encoding.UTF8.GetBytes(c.GetString()!));
                }
            }
        }
        catch (JsonException)
        {
            // Not a gossip document: nothing to compare.
        }

        return found;
    }
}
