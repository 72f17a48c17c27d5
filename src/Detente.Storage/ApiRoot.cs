namespace Detente.Storage;

/// <summary>A TAXII API root: a group of collections under one URL path segment.</summary>
/// <remarks>TAXII 2.1 §4.1.1: an API root has a title, an optional description and a <c>max_content_length</c>.</remarks>
public sealed record ApiRoot
{
    /// <summary>The URL path segment that names the API root (1–64 characters of <c>A–Z a–z 0–9 - . _ ~</c>).</summary>
    public required string Name { get; init; }

    /// <summary>A human-readable title (TAXII <c>title</c>).</summary>
    public required string Title { get; init; }

    /// <summary>A human-readable description (TAXII <c>description</c>), or null.</summary>
    public string? Description { get; init; }

    /// <summary>The largest request body the API root accepts, in bytes (TAXII <c>max_content_length</c>). Default 10 MiB.</summary>
    public long MaxContentLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10L << 20;
}
