namespace Detente.Storage;

/// <summary>Where one object of an add request stands.</summary>
public enum StatusOutcome
{
    /// <summary>Not processed yet.</summary>
    Pending = 0,

    /// <summary>Added (or already present).</summary>
    Success = 1,

    /// <summary>Refused.</summary>
    Failure = 2,
}

/// <summary>One object of an add request: TAXII's status details (TAXII 2.1 §4.3.1) with its outcome.</summary>
/// <param name="Id">The object's id, as the request gave it.</param>
/// <param name="Version">The object's version, as the request gave it (may be empty when the object had none).</param>
/// <param name="Outcome">Where it stands.</param>
/// <param name="Message">A message for the client, or null. It is shown to the requester: no internal details.</param>
public sealed record StatusDetail(string Id, string Version, StatusOutcome Outcome, string? Message = null);

/// <summary>A new status resource: the add request's objects in request order, with their first outcomes.</summary>
public sealed record NewStatus
{
    /// <summary>The status id (TAXII <c>id</c>).</summary>
    public required Guid Id { get; init; }

    /// <summary>The API root the status belongs to.</summary>
    public required string ApiRoot { get; init; }

    /// <summary>The principal that made the request; the node shows the status to it (and to administrators) only.</summary>
    public required string Principal { get; init; }

    /// <summary>When the request arrived (TAXII <c>request_timestamp</c>).</summary>
    public required DateTimeOffset RequestTimestamp { get; init; }

    /// <summary>One entry per object of the request, in request order.</summary>
    public required IReadOnlyList<StatusDetail> Details { get; init; }
}

/// <summary>A change to one object of a status: its position in the request and its new outcome.</summary>
/// <param name="Index">The object's zero-based position in <see cref="NewStatus.Details"/>.</param>
/// <param name="Outcome">The new outcome.</param>
/// <param name="Message">The new message, or null.</param>
public readonly record struct StatusUpdate(int Index, StatusOutcome Outcome, string? Message = null);

/// <summary>A TAXII status resource (TAXII 2.1 §4.3) as stored.</summary>
public sealed record StatusResource
{
    /// <summary>The status id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The API root the status belongs to.</summary>
    public required string ApiRoot { get; init; }

    /// <summary>The principal that made the request.</summary>
    public required string Principal { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset RequestTimestamp { get; init; }

    /// <summary>Every object of the request, in request order.</summary>
    public required IReadOnlyList<StatusDetail> Details { get; init; }

    /// <summary>TAXII <c>status</c>: <c>complete</c> when no object is pending, else <c>pending</c>.</summary>
    public string Status => PendingCount == 0 ? "complete" : "pending";

    /// <summary>TAXII <c>total_count</c>.</summary>
    public int TotalCount => Details.Count;

    /// <summary>TAXII <c>success_count</c>.</summary>
    public int SuccessCount => Details.Count(d => d.Outcome == StatusOutcome.Success);

    /// <summary>TAXII <c>failure_count</c>.</summary>
    public int FailureCount => Details.Count(d => d.Outcome == StatusOutcome.Failure);

    /// <summary>TAXII <c>pending_count</c>.</summary>
    public int PendingCount => Details.Count(d => d.Outcome == StatusOutcome.Pending);

    /// <summary>TAXII <c>successes</c>.</summary>
    public IEnumerable<StatusDetail> Successes => Details.Where(d => d.Outcome == StatusOutcome.Success);

    /// <summary>TAXII <c>failures</c>.</summary>
    public IEnumerable<StatusDetail> Failures => Details.Where(d => d.Outcome == StatusOutcome.Failure);

    /// <summary>TAXII <c>pendings</c>.</summary>
    public IEnumerable<StatusDetail> Pendings => Details.Where(d => d.Outcome == StatusOutcome.Pending);
}
