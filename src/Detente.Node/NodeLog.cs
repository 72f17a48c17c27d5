using System.Globalization;
using Detente.Ledger;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;
using Detente.Stix.Signatures;
using Detente.Storage;

namespace Detente.Node;

/// <summary>How the node runs its transparency log; each property documents its default.</summary>
public sealed record NodeLogOptions
{
    /// <summary>The node's Ed25519 key, which signs the checkpoints (owned by the caller).</summary>
    public required StixSigningKey Key { get; init; }

    /// <summary>The log's origin line (C2SP tlog-checkpoint); null keeps the stored one, or on a new log takes
    /// <see cref="NodeLogOrigin.Default"/>. A log's origin never changes once it has entries.</summary>
    public string? Origin { get; init; }

    /// <summary>The most entries one checkpoint adds. Default 4,096 (the store reads at most that many at once).</summary>
    public int MaxBatchEntries
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 4_096);
            field = value;
        }
    } = 4_096;

    /// <summary>The longest an entry waits for a checkpoint. Default 1 s.</summary>
    public TimeSpan MaxBatchDelay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(1);

    /// <summary>Whether a version marked TLP:CLEAR (as <c>LogEntry.CreateClear</c> requires) gets a clear entry, which names the
    /// object, instead of a salted one. Default false: every entry is salted. Entries already written keep their form.</summary>
    public bool ClearEntriesForTlpClear { get; init; }

    /// <summary>The name under which the node cosigns other logs' checkpoints as a witness; null derives it from the origin
    /// (<see cref="NodeWitness.DefaultName"/>).</summary>
    public string? WitnessName { get; init; }

    /// <summary>How the node reaches each witness of its log (<c>detente log witness add</c>): its token and TLS settings from the
    /// data folder (<see cref="LogWitnessSecrets"/>). Null for a witness: no token, the system's TLS roots. Default: null for all.</summary>
    public Func<LogWitnessRecord, LogWitnessConnection?> WitnessConnections { get; init; } = static _ => null;

    /// <summary>How many versions stored before the log existed get their entries per transaction at start. Default 1,000.</summary>
    public int BackfillBatch
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 1_000;
}

/// <summary>The origin line of a node's log.</summary>
public static class NodeLogOrigin
{
    /// <summary>
    /// The default origin of a new log: <c>{host}[:{port}]{path}log</c> of the public URL when there is one
    /// (<c>https://taxii.example.org/</c> → <c>taxii.example.org/log</c>), else <c>detente.invalid/log/{16 hex}</c> from the
    /// SHA-256 key id of the node key in the data folder, so that two nodes never share an origin.
    /// </summary>
    public static string Default(Uri? publicUrl, StixVerificationKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (publicUrl is not null && publicUrl.IsAbsoluteUri)
        {
            string path = publicUrl.AbsolutePath.EndsWith('/') ? publicUrl.AbsolutePath : publicUrl.AbsolutePath + "/";
            string candidate = publicUrl.IsDefaultPort
                ? publicUrl.IdnHost + path + "log"
                : string.Create(CultureInfo.InvariantCulture, $"{publicUrl.IdnHost}:{publicUrl.Port}{path}log");
            if (SignedNote.IsValidKeyName(candidate))
            {
                return candidate;
            }
        }

        return "detente.invalid/log/" + key.KeyId[..16];
    }

    /// <summary>The origin the log will use, made durable in the store: <paramref name="configured"/> when given (refused
    /// if the log has entries under another), else the stored one, else <see cref="Default"/>.</summary>
    /// <exception cref="StoreException">The log has entries under another origin than <paramref name="configured"/>.</exception>
    public static async Task<string> ResolveAsync(IStore store, string? configured, Uri? publicUrl, StixVerificationKey key,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string origin = configured
            ?? await store.GetLogOriginAsync(cancellationToken).ConfigureAwait(false)
            ?? Default(publicUrl, key);
        await store.SetLogOriginAsync(origin, cancellationToken).ConfigureAwait(false);
        return origin;
    }
}

/// <summary>
/// The node's transparency log: verifies the stored tail at start, then turns entries past the checkpoint into tiles and
/// a signed checkpoint, batch by batch (<see cref="BatchPolicy"/>).
/// </summary>
/// <remarks>
/// The store's entries are the source of truth (written with the objects); the tiles and the checkpoint are derived
/// and committed together (<see cref="ITileStore.TryCommitAsync"/>). At start the stored checkpoint must verify with the
/// node key, its root must equal the root recomputed from the stored tiles, the store must hold at least as many entries,
/// and the last bundle must hold the store's entries byte for byte; otherwise the node refuses to start. Never re-signs
/// a different tree for a size already signed.
/// </remarks>
internal sealed class NodeLog
{
    private readonly IStore _store;
    private readonly Sequencer _sequencer;
    private readonly NoteVerifierKey _verifier;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private LogEdge _edge = LogEdge.Empty;

    private NodeLog(IStore store, string origin, NoteSigner signer, int maxBatch, ILogger logger)
    {
        _store = store;
        Origin = origin;
        _sequencer = new Sequencer(origin, signer);
        _verifier = signer.VerifierKey;
        _maxBatch = maxBatch;
        _logger = logger;
    }

    public string Origin { get; }

    /// <summary>The log's verifier key in the C2SP signed-note form <c>name+hash+base64</c>.</summary>
    public string VerifierKey => _verifier.ToString();

    /// <summary>The log's verifier key.</summary>
    public NoteVerifierKey Verifier => _verifier;

    /// <summary>The size the last checkpoint this sequencer committed or verified covers.</summary>
    public long Size => Volatile.Read(ref _edge).Size;

    /// <summary>Resolves the origin, verifies the stored tail and integrates the entries past it.</summary>
    /// <exception cref="NodeConfigurationException">The stored log is damaged or signed by another key: the node must not start.</exception>
    public static async Task<NodeLog> OpenAsync(IStore store, NodeLogOptions options, Uri? publicUrl, ILogger logger, CancellationToken cancellationToken)
    {
        string origin;
        try
        {
            origin = await NodeLogOrigin.ResolveAsync(store, options.Origin, publicUrl, options.Key.VerificationKey, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Error == StoreError.LogOriginMismatch)
        {
            throw new NodeConfigurationException(e.Message, e);
        }

        var log = new NodeLog(store, origin, new NoteSigner(origin, options.Key), options.MaxBatchEntries, logger);
        log._edge = await log.LoadVerifiedAsync(cancellationToken).ConfigureAwait(false);
        Log.LogVerified(logger, origin, log._edge.Size);
        await store.SetLogClearEntriesAsync(options.ClearEntriesForTlpClear, cancellationToken).ConfigureAwait(false);

        // Versions stored before the store kept a log get their entries now, before any proof is served for them.
        int backfilled = await store.BackfillLogAsync(options.BackfillBatch, cancellationToken).ConfigureAwait(false);
        if (backfilled > 0)
        {
            Log.LogBackfilled(logger, origin, backfilled);
        }
        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            // A new log: an empty checkpoint, so that /log/checkpoint answers from the start.
            var empty = new SequencedBatch(0, LogEdge.Empty, [], LogEdge.Empty.Root(), log._sequencer.SignCheckpoint(LogEdge.Empty));
            await store.LogTiles.TryCommitAsync(empty.ToCommit(), cancellationToken).ConfigureAwait(false);
        }

        while (await log.SealAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            // Integrate everything logged before the stop.
        }

        return log;
    }

    /// <summary>Seals up to one batch of the entries past the checkpoint.</summary>
    /// <returns>How many entries the new checkpoint added (0 when there were none, or another sequencer moved first).</returns>
    public async Task<int> SealAsync(CancellationToken cancellationToken)
    {
        LogEdge edge = _edge;
        IReadOnlyList<ReadOnlyMemory<byte>> entries = await _store.ReadLogEntriesAsync(edge.Size, _maxBatch, cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return 0;
        }

        SequencedBatch batch = _sequencer.Append(edge, entries);
        if (await _store.LogTiles.TryCommitAsync(batch.ToCommit(), cancellationToken).ConfigureAwait(false))
        {
            Volatile.Write(ref _edge, batch.Edge);
            Log.LogSealed(_logger, Origin, batch.Edge.Size, entries.Count);
            return entries.Count;
        }

        // Another instance on the same database sealed first: take its checkpoint, after checking it.
        Volatile.Write(ref _edge, await LoadVerifiedAsync(cancellationToken).ConfigureAwait(false));
        Log.LogReloaded(_logger, Origin, _edge.Size);
        return 0;
    }

    /// <summary>The number of committed entries no checkpoint covers yet.</summary>
    public async Task<long> PendingAsync(CancellationToken cancellationToken) =>
        await _store.GetLogSizeAsync(cancellationToken).ConfigureAwait(false) - _edge.Size;

    private async Task<LogEdge> LoadVerifiedAsync(CancellationToken cancellationToken)
    {
        ITileStore tiles = _store.LogTiles;
        ReadOnlyMemory<byte>? stored = await tiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not { } noteBytes)
        {
            return LogEdge.Empty;
        }

        Checkpoint checkpoint;
        try
        {
            SignedNote note = SignedNote.Parse(noteBytes.Span);
            NoteVerification verification = note.Verify([_verifier]);
            if (!verification.IsValid)
            {
                return Refuse($"the stored checkpoint does not verify with the node key under the origin '{Origin}' ({verification.Message}); "
                    + "was the node key or the origin changed?");
            }

            checkpoint = Checkpoint.FromNote(note);
        }
        catch (LedgerFormatException e)
        {
            return Refuse("the stored checkpoint is malformed: " + e.Message);
        }

        if (!string.Equals(checkpoint.Origin, Origin, StringComparison.Ordinal))
        {
            return Refuse($"the stored checkpoint names the origin '{checkpoint.Origin}', not '{Origin}'.");
        }

        LogEdge edge;
        try
        {
            edge = await LogEdge.LoadAsync(tiles, checkpoint.Size, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return Refuse($"the tiles of the checkpoint of size {checkpoint.Size} cannot be read: {e.Message}");
        }

        if (edge.Root() != checkpoint.RootHash)
        {
            return Refuse($"the root recomputed from the stored tiles ({edge.Root()}) differs from the checkpoint's ({checkpoint.RootHash}) at size {checkpoint.Size}.");
        }

        long entries = await _store.GetLogSizeAsync(cancellationToken).ConfigureAwait(false);
        if (entries < checkpoint.Size)
        {
            return Refuse($"the checkpoint covers {checkpoint.Size} entries but the store holds only {entries}.");
        }

        if (checkpoint.Size > 0)
        {
            // The last bundle must hold exactly the store's entries: tiles and entries describe one log.
            long index = (checkpoint.Size - 1) / TilePath.FullWidth;
            int width = checked((int)(checkpoint.Size - (index * TilePath.FullWidth)));
            TilePath path = TilePath.Entries(index, width);
            ReadOnlyMemory<byte>? bundle = await tiles.ReadTileAsync(path, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<ReadOnlyMemory<byte>> expected = await _store.ReadLogEntriesAsync(index * TilePath.FullWidth, width, cancellationToken)
                .ConfigureAwait(false);
            ReadOnlyMemory<byte>[] found;
            try
            {
                found = bundle is { } b ? EntryBundle.Decode(b, width) : [];
            }
            catch (LedgerFormatException e)
            {
                return Refuse($"the entry bundle {path} is malformed: {e.Message}");
            }

            if (found.Length != width || expected.Count != width || !found.Zip(expected).All(p => p.First.Span.SequenceEqual(p.Second.Span)))
            {
                return Refuse($"the entry bundle {path} does not hold the store's entries {index * TilePath.FullWidth}–{checkpoint.Size - 1}.");
            }
        }

        return edge;
    }

    private LogEdge Refuse(string problem)
    {
        Log.LogDamaged(_logger, Origin, problem);
        throw new NodeConfigurationException($"The transparency log '{Origin}' is damaged; the node will not start: {problem}");
    }
}

/// <summary>Runs the log at start (verification, integration) and then seals batches while the node runs.</summary>
internal sealed class LogSequencerService(IStore store, NodeOptions options, TimeProvider time,
    ILogger<LogSequencerService> logger, TileCache tiles) : IHostedService, IDisposable
{
    /// <summary>How often the service looks for new entries when none is waiting.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task _cosignLoop = Task.CompletedTask;
    private LogCosigning? _cosigning;

    /// <summary>The running log, once started.</summary>
    public NodeLog? Log { get; private set; }

    /// <summary>The loop that collects cosignatures from the log's witnesses, once started.</summary>
    internal LogCosigning? Cosigning => _cosigning;

    /// <summary>The node as a witness of other logs, once started.</summary>
    public NodeWitness? Witness { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        NodeLogOptions settings = options.Log!;
        Log = await NodeLog.OpenAsync(store, settings, options.PublicUrl, logger, cancellationToken).ConfigureAwait(false);
        Witness = new NodeWitness(store, new Cosigner(settings.WitnessName ?? NodeWitness.DefaultName(Log.Origin), settings.Key, time), time);
        var policy = new BatchPolicy(settings.MaxBatchEntries, settings.MaxBatchDelay, time);
        _cosigning = new LogCosigning(store, Log.Verifier, settings.WitnessConnections, time, logger, tiles);
        _loop = Task.Run(() => RunAsync(Log, policy), CancellationToken.None);
        _cosignLoop = Task.Run(() => _cosigning.RunAsync(_stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _cosignLoop.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _cosigning?.Dispose();
    }

    private async Task RunAsync(NodeLog log, BatchPolicy policy)
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                long pending = await log.PendingAsync(stop).ConfigureAwait(false);
                long fresh = pending - policy.Pending;
                if (fresh > 0)
                {
                    policy.Added(checked((int)Math.Min(fresh, int.MaxValue - policy.Pending)));
                }

                if (policy.ShouldSeal())
                {
                    if (await log.SealAsync(stop).ConfigureAwait(false) > 0)
                    {
                        _cosigning?.Sealed();
                    }

                    policy.Sealed();
                    continue;
                }

                TimeSpan wait = policy.DelayUntilDue() is { } due && due < PollInterval ? due : PollInterval;
                await Task.Delay(wait, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Detente.Node.Log.LogSealFailed(logger, e, log.Origin);
                policy.Sealed();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
