using System.Buffers;
using System.Text.Json;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>Whether a request to add objects is still being worked on.</summary>
public enum TaxiiRequestStatus
{
    /// <summary><c>pending</c>: the status resource may still change.</summary>
    Pending,

    /// <summary><c>complete</c>: the status resource will not change any more.</summary>
    Complete,
}

/// <summary>One object of an add-objects request: its id, version, and an optional message.</summary>
/// <remarks>TAXII 2.1 §4.3.1, type <c>status-details</c>.</remarks>
public sealed class TaxiiStatusDetails
{
    /// <summary>Creates the details.</summary>
    /// <param name="id">The object's id (for STIX, its <c>id</c>).</param>
    /// <param name="version">The object's version (for STIX, <c>modified</c>, else <c>created</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    public TaxiiStatusDetails(string id, string? version)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
        Version = version;
    }

    /// <summary><c>id</c> (required).</summary>
    public string Id { get; }

    /// <summary><c>version</c>: required by the spec's table; null only when read from a server that left it out.</summary>
    /// <remarks>The spec's own example of an add-objects response (TAXII 2.1 §5.5) omits it, so it is read leniently.</remarks>
    public string? Version { get; }

    /// <summary><c>message</c>: more about the object's state, e.g. why it failed.</summary>
    public string? Message { get; init; }

    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        TaxiiJson.WriteOptional(writer, "version", Version);
        TaxiiJson.WriteOptional(writer, "message", Message);
        writer.WriteEndObject();
    }

    internal static TaxiiStatusDetails Read(Members m)
    {
        string id = m.RequiredString("id");
        return id.Length == 0
            ? throw Members.Error(m.Member("id"), "must not be empty")
            : new TaxiiStatusDetails(id, m.OptionalString("version")) { Message = m.OptionalString("message") };
    }
}

/// <summary>The status resource: how far a request to add objects has got, in counts and per object.</summary>
/// <remarks>
/// TAXII 2.1 §4.3.1; returned by <c>POST {api-root}/collections/{id}/objects/</c> and served at
/// <c>GET {api-root}/status/{status-id}/</c>. Counts are not checked against each other or the lists: the spec
/// does not require it of a reader.
/// </remarks>
public sealed class TaxiiStatus : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <param name="id">The status resource's identifier (an RFC 4122 UUID).</param>
    /// <param name="status">Whether the request is complete.</param>
    /// <param name="totalCount">Objects in the request (0: processing has not started).</param>
    /// <param name="successCount">Objects added.</param>
    /// <param name="failureCount">Objects refused.</param>
    /// <param name="pendingCount">Objects not processed yet.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or beyond 2^53 − 1, or <paramref name="status"/> is not defined.</exception>
    public TaxiiStatus(string id, TaxiiRequestStatus status, long totalCount, long successCount, long failureCount, long pendingCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status));
        }

        Id = id;
        Status = status;
        TotalCount = Guard.Integer(totalCount, 0, nameof(totalCount));
        SuccessCount = Guard.Integer(successCount, 0, nameof(successCount));
        FailureCount = Guard.Integer(failureCount, 0, nameof(failureCount));
        PendingCount = Guard.Integer(pendingCount, 0, nameof(pendingCount));
    }

    /// <summary><c>id</c> (required).</summary>
    public string Id { get; }

    /// <summary><c>status</c> (required).</summary>
    public TaxiiRequestStatus Status { get; }

    /// <summary>True when <see cref="Status"/> is <see cref="TaxiiRequestStatus.Complete"/>.</summary>
    public bool IsComplete => Status == TaxiiRequestStatus.Complete;

    /// <summary><c>request_timestamp</c>: when the request was received.</summary>
    public StixTimestamp? RequestTimestamp { get; init; }

    /// <summary><c>total_count</c> (required).</summary>
    public long TotalCount { get; }

    /// <summary><c>success_count</c> (required).</summary>
    public long SuccessCount { get; }

    /// <summary><c>failure_count</c> (required).</summary>
    public long FailureCount { get; }

    /// <summary><c>pending_count</c> (required).</summary>
    public long PendingCount { get; }

    /// <summary><c>successes</c>: the objects added; empty when not listed.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public IReadOnlyList<TaxiiStatusDetails> Successes { get; init => field = Guard.Copy(value, nameof(Successes)); } = [];

    /// <summary><c>failures</c>: the objects refused; empty when not listed.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public IReadOnlyList<TaxiiStatusDetails> Failures { get; init => field = Guard.Copy(value, nameof(Failures)); } = [];

    /// <summary><c>pendings</c>: the objects not processed yet; empty when not listed.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public IReadOnlyList<TaxiiStatusDetails> Pendings { get; init => field = Guard.Copy(value, nameof(Pendings)); } = [];

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteString("status", Status == TaxiiRequestStatus.Complete ? "complete" : "pending");
        if (RequestTimestamp is StixTimestamp requested)
        {
            writer.WriteString("request_timestamp", requested.ToString());
        }

        writer.WriteNumber("total_count", TotalCount);
        writer.WriteNumber("success_count", SuccessCount);
        WriteDetails(writer, "successes", Successes);
        writer.WriteNumber("failure_count", FailureCount);
        WriteDetails(writer, "failures", Failures);
        writer.WriteNumber("pending_count", PendingCount);
        WriteDetails(writer, "pendings", Pendings);
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    private static void WriteDetails(Utf8JsonWriter writer, string name, IReadOnlyList<TaxiiStatusDetails> details)
    {
        if (details.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (TaxiiStatusDetails item in details)
        {
            item.Write(writer);
        }

        writer.WriteEndArray();
    }

    internal static TaxiiStatus Read(Members m)
    {
        string id = m.RequiredString("id");
        if (id.Length == 0)
        {
            throw Members.Error(m.Member("id"), "must not be empty");
        }

        TaxiiRequestStatus status = m.RequiredString("status") switch
        {
            "complete" => TaxiiRequestStatus.Complete,
            "pending" => TaxiiRequestStatus.Pending,
            _ => throw Members.Error(m.Member("status"), "must be \"complete\" or \"pending\""),
        };
        return new TaxiiStatus(
            id,
            status,
            m.RequiredInteger("total_count", 0),
            m.RequiredInteger("success_count", 0),
            m.RequiredInteger("failure_count", 0),
            m.RequiredInteger("pending_count", 0))
        {
            RequestTimestamp = m.OptionalTimestamp("request_timestamp"),
            Successes = ReadDetails(m, "successes"),
            Failures = ReadDetails(m, "failures"),
            Pendings = ReadDetails(m, "pendings"),
        };
    }

    private static TaxiiStatusDetails[] ReadDetails(Members m, string name)
    {
        JsonArray? array = m.OptionalArray(name);
        var details = new TaxiiStatusDetails[array?.Count ?? 0];
        for (int i = 0; i < details.Length; i++)
        {
            details[i] = TaxiiStatusDetails.Read(Members.Of(array![i], $"{m.Member(name)}[{i}]"));
        }

        return details;
    }
}
