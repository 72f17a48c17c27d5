using System.Threading.Channels;
using Detente.Stix;
using Detente.Stix.Validation;
using Detente.Storage;
using Detente.Taxii;

namespace Detente.Node;

/// <summary>An add request left to the background worker: the valid objects with their positions in the request.</summary>
internal sealed record IngestJob(Guid StatusId, Guid CollectionId, IReadOnlyList<(int Index, ObjectToAdd Object)> Items);

/// <summary>
/// Turns an envelope into a status resource: validates each object, stores the valid ones (now, or through the
/// background worker for large requests) and records the outcome of each.
/// </summary>
internal sealed class ObjectIngest(IStore store, StixValidator validator, OriginVerifier origins, NodeOptions options, TimeProvider timeProvider,
    IngestQueue queue, NodeMetrics metrics, ILogger<ObjectIngest> logger)
{
    /// <summary>The message of a pending object whose request could not be queued (the node is stopping).</summary>
    public const string NotQueuedMessage = "The node is shutting down and did not store this object; send it again.";

    // Fewer objects than this per thread are checked on the request's thread alone (a thread hand-off costs more).
    private const int MinObjectsPerCheckThread = 32;

    /// <summary>
    /// Validates and stores the objects of <paramref name="envelope"/>, returning the status resource. Invalid objects
    /// get a failure with the validator's message and nothing of them is stored. A request of more than
    /// <see cref="NodeLimits.AsyncThreshold"/> objects is queued: its status is <c>pending</c> until the worker
    /// has stored them.
    /// </summary>
    public async Task<StatusResource> AddAsync(NodePrincipal principal, Collection collection, TaxiiEnvelope envelope,
        CancellationToken cancellationToken)
    {
        DateTimeOffset received = timeProvider.GetUtcNow();
        IReadOnlyList<TaxiiEnvelopeObject> objects = envelope.Objects;
        var details = new StatusDetail[objects.Count];
        var checkedObjects = new ObjectToAdd?[objects.Count];
        CheckAll(principal, objects, collection, details, checkedObjects);
        var valid = new List<(int Index, ObjectToAdd Object)>(objects.Count);
        for (int i = 0; i < objects.Count; i++)
        {
            if (checkedObjects[i] is { } toAdd)
            {
                valid.Add((i, toAdd));
            }
        }

        var statusId = Guid.NewGuid();
        bool queued = objects.Count > options.Limits.AsyncThreshold && valid.Count > 0;
        Log.ObjectsReceived(logger, principal.Name, collection.Id, objects.Count, objects.Count - valid.Count, queued ? valid.Count : 0);
        var status = new NewStatus
        {
            Id = statusId,
            ApiRoot = collection.ApiRoot,
            Principal = principal.Name,
            RequestTimestamp = received,
            Details = details,
        };
        if (!queued && valid.Count > 0)
        {
            // The objects and their status in one transaction (one commit); the answer is the status as stored.
            (AddObjectsResult added, StatusResource stored) = await store.AddObjectsWithStatusAsync(collection.Id, [.. valid.Select(v => v.Object)],
                status, cancellationToken).ConfigureAwait(false);
            metrics.RecordObjectsStored(added.AddedCount);
            return stored;
        }

        await store.CreateStatusAsync(status, cancellationToken).ConfigureAwait(false);
        if (queued && !await queue.TryEnqueueAsync(new IngestJob(statusId, collection.Id, valid), cancellationToken).ConfigureAwait(false))
        {
            Log.IngestNotQueued(logger, statusId, valid.Count);
            await store.UpdateStatusAsync(statusId, [.. valid.Select(v => new StatusUpdate(v.Index, StatusOutcome.Failure, NotQueuedMessage))],
                CancellationToken.None).ConfigureAwait(false);
        }

        return await store.GetStatusAsync(statusId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A status just created is missing.");
    }

    /// <summary>
    /// Checks every object of a request (<see cref="Check(NodePrincipal, TaxiiEnvelopeObject, int, Collection)"/>: validation,
    /// origin, the node's signature), each result at its object's index. The objects of a large envelope are checked on
    /// up to <see cref="NodeLimits.IngestCheckParallelism"/> threads at once (validation and Ed25519 signing are most of an
    /// add's CPU, and the objects are independent); the results are the same as one by one, in the same order.
    /// </summary>
    private void CheckAll(NodePrincipal principal, IReadOnlyList<TaxiiEnvelopeObject> objects, Collection collection, StatusDetail[] details,
        ObjectToAdd?[] checkedObjects)
    {
        int parallelism = Math.Min(options.Limits.IngestCheckParallelism, objects.Count / MinObjectsPerCheckThread);
        if (parallelism <= 1)
        {
            for (int i = 0; i < objects.Count; i++)
            {
                (details[i], checkedObjects[i]) = Check(principal, objects[i], i, collection);
            }

            return;
        }

        // Contiguous ranges, one per thread: each result is written once, at its own index.
        int per = (objects.Count + parallelism - 1) / parallelism;
        try
        {
            Parallel.For(0, parallelism, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, part =>
            {
                int end = Math.Min(objects.Count, (part + 1) * per);
                for (int i = part * per; i < end; i++)
                {
                    (details[i], checkedObjects[i]) = Check(principal, objects[i], i, collection);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // As the sequential loop would: the first failure, with its own stack.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    /// <summary>The pending detail and the object to store, or a failure detail and null.</summary>
    /// <remarks>The origin is checked last, after validation and the media type, so that the node signs only objects it
    /// will store; a signed object is stored (and committed to in the log) in its RFC 8785 form, signature included.</remarks>
    private (StatusDetail Detail, ObjectToAdd? Object) Check(NodePrincipal principal, TaxiiEnvelopeObject item, int index, Collection collection)
    {
        (StatusDetail detail, ObjectToAdd? toAdd, OriginVerdict? verdict) = Check(validator, item, index, collection, o => origins.Check(principal, o));
        if (verdict is { } decided)
        {
            metrics.RecordOrigin(decided);
            if (!decided.IsAccepted)
            {
                Log.OriginRefused(logger, principal.Name, collection.Id, detail.Id, decided.Label, decided.Reason);
            }
        }

        return (detail, toAdd);
    }

    /// <summary>The checks of every object that enters the node, whether posted or received by sync: validation, media
    /// type, then the origin (<paramref name="origin"/>, <see cref="OriginVerifier"/>'s rule for the sender), and the policy
    /// facts of what is stored. Returns the pending detail and the object to store, or a failure detail and null; and the
    /// origin verdict when the object got that far.</summary>
    internal static (StatusDetail Detail, ObjectToAdd? Object, OriginVerdict? Verdict) Check(StixValidator validator, TaxiiEnvelopeObject item,
        int index, Collection collection, Func<StixObject, (OriginVerdict Verdict, StixObject? ToStore)> origin)
    {
        StixObject obj = item.Object;
        string id = obj.Id is { Length: > 0 and <= 300 } given && StixId.TryParse(given, out _) ? given : $"objects[{index}]";
        string version = (obj.Modified ?? obj.Created)?.ToString() ?? string.Empty;
        ValidationReport report = validator.Validate(obj, $"$.objects[{index}]");
        if (!report.IsValid)
        {
            return (new StatusDetail(id, version, StatusOutcome.Failure, Describe(report)), null, null);
        }

        string mediaType = "application/stix+json;version=" + (obj.SpecVersion ?? "2.1");
        if (!collection.MediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return (new StatusDetail(id, version, StatusOutcome.Failure, $"This collection does not hold {mediaType} objects."), null, null);
        }

        (OriginVerdict verdict, StixObject? toStore) = origin(obj);
        if (!verdict.IsAccepted || toStore is null)
        {
            return (new StatusDetail(id, version, StatusOutcome.Failure, verdict.Reason), null, verdict);
        }

        ObjectToAdd toAdd = ReferenceEquals(toStore, obj)
            ? NodeSharing.WithPolicyFacts(ObjectToAdd.From(obj, item.Json), obj)
            : NodeSharing.WithPolicyFacts(ObjectToAdd.From(toStore, toStore.Canonicalize()) with { JsonIsCanonical = true }, toStore);
        return (new StatusDetail(id, version, StatusOutcome.Pending), toAdd, verdict);
    }

    private static string Describe(ValidationReport report)
    {
        const int shown = 3;
        string first = string.Join("; ", report.Errors.Take(shown).Select(e => $"{e.Rule} {e}"));
        return report.Errors.Count > shown ? $"{first}; and {report.Errors.Count - shown} more error(s)" : first;
    }
}

/// <summary>The bounded queue between add requests and the background worker.</summary>
internal sealed class IngestQueue(NodeOptions options)
{
    private readonly Channel<IngestJob> _channel = Channel.CreateBounded<IngestJob>(new BoundedChannelOptions(options.Limits.IngestQueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    /// <summary>Called after each stored chunk with the status id and the number of objects of the job stored so far;
    /// tests use it to look at a status while its job runs.</summary>
    public Func<Guid, int, CancellationToken, Task>? AfterChunk { get; set; }

    /// <summary>Called when a job is done (its status complete, or abandoned at shutdown).</summary>
    public Action<Guid>? JobDone { get; set; }

    public ChannelReader<IngestJob> Reader => _channel.Reader;

    /// <summary>Waits for room and queues <paramref name="job"/>; false when the queue is closed (the node is stopping)
    /// or the request was abandoned.</summary>
    public async Task<bool> TryEnqueueAsync(IngestJob job, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(job, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Accepts no more jobs; the worker finishes those queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}

/// <summary>
/// Stores queued add requests chunk by chunk, updating their status after each chunk so that <c>pending_count</c>
/// falls as it runs. A version is reported as a success only after its transaction committed. At shutdown the queue
/// is closed and drained within the host's shutdown timeout.
/// </summary>
internal sealed class IngestWorker(IStore store, IngestQueue queue, NodeOptions options, NodeMetrics metrics, ILogger<IngestWorker> logger) : IHostedService, IDisposable
{
    private const string StoreFailedMessage = "The node could not store this object; send it again.";
    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        using CancellationTokenRegistration registration = cancellationToken.Register(_abort.Cancel);
        await _loop.ConfigureAwait(false);
    }

    public void Dispose() => _abort.Dispose();

    private async Task RunAsync()
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out IngestJob? job))
                {
                    try
                    {
                        await ProcessAsync(job).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The status could not be updated (the database failed): its objects stay pending.
                        Log.IngestFailed(logger, e, job.StatusId, job.Items.Count);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            while (queue.Reader.TryRead(out IngestJob? job))
            {
                Log.IngestAbandoned(logger, job.StatusId);
                queue.JobDone?.Invoke(job.StatusId);
            }
        }
    }

    private async Task ProcessAsync(IngestJob job)
    {
        int stored = 0;
        try
        {
            foreach ((int Index, ObjectToAdd Object)[] chunk in job.Items.Chunk(options.Limits.IngestChunkSize))
            {
                StatusUpdate[] updates;
                try
                {
                    AddObjectsResult added = await store.AddObjectsAsync(job.CollectionId, [.. chunk.Select(c => c.Object)], _abort.Token)
                        .ConfigureAwait(false);
                    metrics.RecordObjectsStored(added.AddedCount);
                    updates = [.. chunk.Select(c => new StatusUpdate(c.Index, StatusOutcome.Success))];
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.IngestFailed(logger, e, job.StatusId, chunk.Length);
                    updates = [.. chunk.Select(c => new StatusUpdate(c.Index, StatusOutcome.Failure, StoreFailedMessage))];
                }

                await store.UpdateStatusAsync(job.StatusId, updates, _abort.Token).ConfigureAwait(false);
                stored += chunk.Length;
                if (queue.AfterChunk is { } afterChunk)
                {
                    await afterChunk(job.StatusId, stored, _abort.Token).ConfigureAwait(false);
                }
            }

            Log.IngestCompleted(logger, job.StatusId);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            Log.IngestAbandoned(logger, job.StatusId);
            throw;
        }
        finally
        {
            queue.JobDone?.Invoke(job.StatusId);
        }
    }
}
