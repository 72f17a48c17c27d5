using System.Buffers;
using System.Text.Json;
using Detente.Taxii.Json;

namespace Detente.Taxii;

/// <summary>The discovery resource: what a TAXII server is and which API roots it advertises.</summary>
/// <remarks>TAXII 2.1 §4.1.1; served at <c>GET /taxii2/</c>.</remarks>
public sealed class TaxiiDiscovery : ITaxiiResource
{
    /// <summary>Creates the resource.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="title"/> is null.</exception>
    public TaxiiDiscovery(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        Title = title;
    }

    /// <summary><c>title</c> (required): a human-readable name of the server.</summary>
    public string Title { get; }

    /// <summary><c>description</c>: a human-readable description of the server.</summary>
    public string? Description { get; init; }

    /// <summary><c>contact</c>: contact information for the server or its administrator.</summary>
    public string? Contact { get; init; }

    /// <summary><c>default</c>: the API root a client may use by default; one of <see cref="ApiRoots"/>.</summary>
    public string? Default { get; init; }

    /// <summary><c>api_roots</c>: the advertised API roots, as absolute HTTPS URLs or <c>/relative/</c> paths; empty when none.</summary>
    /// <exception cref="ArgumentException">An item is null.</exception>
    public IReadOnlyList<string> ApiRoots { get; init => field = Guard.Copy(value, nameof(ApiRoots)); } = [];

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, TaxiiJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("title", Title);
        TaxiiJson.WriteOptional(writer, "description", Description);
        TaxiiJson.WriteOptional(writer, "contact", Contact);
        TaxiiJson.WriteOptional(writer, "default", Default);
        TaxiiJson.WriteStrings(writer, "api_roots", ApiRoots);
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public byte[] Serialize() => TaxiiJson.ToArray(Serialize);

    internal static TaxiiDiscovery Read(Members m) =>
        new(m.RequiredString("title"))
        {
            Description = m.OptionalString("description"),
            Contact = m.OptionalString("contact"),
            Default = m.OptionalString("default"),
            ApiRoots = m.OptionalStrings("api_roots"),
        };
}
