using System.Text.Json;
using Detente.Patterns;
using Detente.Psi;
using Detente.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Detente.Node;

/// <summary>
/// Builds the node's side of a PSI session for one principal: only from object versions that principal may read, every
/// one of them passed through the egress gate (<see cref="IEgressPolicy"/>), as for any other way objects leave the node.
/// </summary>
/// <remarks>
/// Reads the latest version of each object of every collection of every API root the principal may read (administrators:
/// all), a page of 1,000 at a time. <see cref="PsiSetKind.Indicators"/>: indicators that are not revoked, with
/// <c>pattern_type</c> <c>stix</c> and a pattern of one equality comparison (<c>[ipv4-addr:value = '198.51.100.3']</c>,
/// <c>[file:hashes.'SHA-256' = '…']</c>) naming a PSI element. <see cref="PsiSetKind.Sightings"/>: for each sighting, the
/// observed-data of its <c>observed_data_refs</c> and their <c>object_refs</c> in the same collection, of those the
/// cyber-observables of a PSI element type (their <c>value</c>, or each of a file's <c>hashes</c>). Anything else is
/// skipped and counted (event 8092).
/// </remarks>
internal sealed class PsiSetBuilder(IStore store, ILogger<PsiSetBuilder> logger)
{
    private const int Page = 1_000;

    private static readonly string[] s_observableTypes = ["ipv4-addr", "ipv6-addr", "domain-name", "email-addr", "url", "mac-addr", "file"];

    /// <summary>The collections <paramref name="principal"/> may read, in every API root (administrators: all), in a stable order.</summary>
    public async Task<IReadOnlyList<CollectionWithAccess>> ReadableCollectionsAsync(NodePrincipal principal, CancellationToken cancellationToken)
    {
        var readable = new List<CollectionWithAccess>();
        foreach (ApiRoot root in await store.ListApiRootsAsync(cancellationToken).ConfigureAwait(false))
        {
            IReadOnlyList<CollectionWithAccess> collections = principal.IsAdmin
                ? [.. (await store.ListCollectionsAsync(root.Name, cancellationToken).ConfigureAwait(false)).Select(c => new CollectionWithAccess(c, CollectionAccess.ReadWrite))]
                : await store.ListCollectionsForAsync(root.Name, principal.Name, cancellationToken).ConfigureAwait(false);
            readable.AddRange(collections.Where(static c => c.Access.CanRead));
        }

        return readable;
    }

    /// <summary>The elements of <paramref name="set"/> that <paramref name="principal"/> may read, distinct, in no particular order.</summary>
    public async Task<List<PsiElement>> BuildAsync(EgressGate gate, NodePrincipal principal, PsiSetKind set, CancellationToken cancellationToken) =>
        await BuildAsync(gate, principal, set, await ReadableCollectionsAsync(principal, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    /// <summary>The elements of <paramref name="set"/> in <paramref name="collections"/> (the principal's readable ones) that
    /// <paramref name="principal"/> may read through the gate, distinct, in no particular order.</summary>
    public async Task<List<PsiElement>> BuildAsync(EgressGate gate, NodePrincipal principal, PsiSetKind set, IReadOnlyList<CollectionWithAccess> collections,
        CancellationToken cancellationToken)
    {
        var elements = new HashSet<PsiElement>();
        int objects = 0;
        int skipped = 0;
        foreach (CollectionWithAccess collection in collections.Where(c => c.Access.CanRead))
        {
            if (set == PsiSetKind.Indicators)
            {
                await foreach (StoredObject version in ReadAsync(gate, principal, collection, ["indicator"], cancellationToken).ConfigureAwait(false))
                {
                    objects++;
                    if (IndicatorElement(version.Json) is PsiElement element)
                    {
                        elements.Add(element);
                    }
                    else
                    {
                        skipped++;
                    }
                }
            }
            else
            {
                (int read, int notUsed) = await AddSightedAsync(gate, principal, collection, elements, cancellationToken).ConfigureAwait(false);
                objects += read;
                skipped += notUsed;
            }
        }

        Log.PsiSetBuilt(logger, NodePsiOptions.SetName(set), principal.Name, elements.Count, objects, skipped);
        return [.. elements];
    }

    /// <summary>The element of an indicator whose pattern is one equality comparison naming an element; null otherwise.</summary>
    internal static PsiElement? IndicatorElement(ReadOnlyMemory<byte> json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        if (root.TryGetProperty("revoked", out JsonElement revoked) && revoked.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        if (!root.TryGetProperty("pattern_type", out JsonElement type) || type.GetString() != "stix"
            || !root.TryGetProperty("pattern", out JsonElement text) || text.ValueKind != JsonValueKind.String
            || !Pattern.TryParse(text.GetString()!, out Pattern? pattern)
            || pattern.Root is not SimpleObservation { Comparison: PropertyComparison { Operator: ComparisonOperator.Equal, Negated: false } comparison }
            || comparison.Value is not StringConstant value)
        {
            return null;
        }

        string? path = comparison.Path.Components switch
        {
            [{ Kind: PathComponentKind.Property, Name: "value" }] => "value",
            [{ Kind: PathComponentKind.Property, Name: "hashes" }, { Kind: PathComponentKind.Property, Name: string algorithm }] => "hashes." + algorithm,
            _ => null,
        };
        return path is null ? null : TryElement(comparison.Path.ObjectType, path, value.Value);
    }

    private static async Task<(int Objects, int Skipped)> AddSightedAsync(EgressGate gate, NodePrincipal principal, CollectionWithAccess collection, HashSet<PsiElement> elements,
        CancellationToken cancellationToken)
    {
        // Sightings first (their observed-data ids), then the observed-data (their object ids), then the observables.
        var observedData = new HashSet<string>(StringComparer.Ordinal);
        int objects = 0;
        await foreach (StoredObject sighting in ReadAsync(gate, principal, collection, ["sighting"], cancellationToken).ConfigureAwait(false))
        {
            objects++;
            AddStrings(sighting.Json, "observed_data_refs", observedData);
        }

        var observables = new HashSet<string>(StringComparer.Ordinal);
        if (observedData.Count > 0)
        {
            await foreach (StoredObject data in ReadAsync(gate, principal, collection, ["observed-data"], cancellationToken).ConfigureAwait(false))
            {
                objects++;
                if (observedData.Contains(data.Id))
                {
                    AddStrings(data.Json, "object_refs", observables);
                }
            }
        }

        int skipped = 0;
        if (observables.Count > 0)
        {
            await foreach (StoredObject observable in ReadAsync(gate, principal, collection, s_observableTypes, cancellationToken).ConfigureAwait(false))
            {
                objects++;
                if (observables.Contains(observable.Id) && !AddObservable(observable, elements))
                {
                    skipped++;
                }
            }
        }

        return (objects, skipped);
    }

    private static bool AddObservable(StoredObject observable, HashSet<PsiElement> elements)
    {
        using JsonDocument document = JsonDocument.Parse(observable.Json);
        JsonElement root = document.RootElement;
        bool added = false;
        if (observable.Type == "file")
        {
            if (root.TryGetProperty("hashes", out JsonElement hashes) && hashes.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty hash in hashes.EnumerateObject())
                {
                    if (hash.Value.ValueKind == JsonValueKind.String && TryElement("file", "hashes." + hash.Name, hash.Value.GetString()!) is PsiElement element)
                    {
                        elements.Add(element);
                        added = true;
                    }
                }
            }
        }
        else if (root.TryGetProperty("value", out JsonElement value) && value.ValueKind == JsonValueKind.String
            && TryElement(observable.Type, "value", value.GetString()!) is PsiElement element)
        {
            elements.Add(element);
            added = true;
        }

        return added;
    }

    private static void AddStrings(ReadOnlyMemory<byte> json, string property, HashSet<string> into)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.TryGetProperty(property, out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    into.Add(item.GetString()!);
                }
            }
        }
    }

    private static PsiElement? TryElement(string type, string path, string value)
    {
        try
        {
            return PsiElement.FromObservable(type, path, value);
        }
        catch (PsiException)
        {
            return null;
        }
    }

    /// <summary>The latest versions of the given types that the principal may see, through the egress gate, page by page.</summary>
    private static async IAsyncEnumerable<StoredObject> ReadAsync(EgressGate gate, NodePrincipal principal, CollectionWithAccess collection, IReadOnlyList<string> types,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = new ObjectFilter { Types = types };
        DateTimeOffset? after = null;
        while (true)
        {
            EgressPage page = await gate.ReadPageAsync(principal, collection, filter, after, Page, cancellationToken).ConfigureAwait(false);
            foreach (StoredObject version in page.Items)
            {
                yield return version;
            }

            if (!page.More || page.Items.Count == 0)
            {
                yield break;
            }

            after = page.Items[^1].DateAdded;
        }
    }
}

/// <summary>
/// This node's own set when it is the initiator (<c>detente psi run PARTNER --set indicators|sightings</c>): the elements
/// of every indicator (or sighting) the node holds, in every collection, read as an administrator reads them.
/// </summary>
/// <remarks>
/// Not a path out: the initiator's elements leave the node only blinded (additive blinding, H(x) + r·B, and the
/// multiplicative r·H(x) of cardinality mode both hide them perfectly), so the partner learns the set's size and nothing
/// of its content; the caller pads the size when that matters. What the node learns is the partner's business, decided
/// by the partner's own grants and policy.
/// </remarks>
public static class PsiOwnSet
{
    /// <summary>The elements of <paramref name="set"/> over every collection of <paramref name="store"/>, distinct.</summary>
    public static async Task<List<PsiElement>> BuildAsync(IStore store, PsiSetKind set, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var builder = new PsiSetBuilder(store, NullLogger<PsiSetBuilder>.Instance);
        var gate = new EgressGate(store, ReadGrantEgressPolicy.Instance, new NodeOptions(), NullLogger<EgressGate>.Instance);
        return await builder.BuildAsync(gate, new NodePrincipal("detente-local", TokenRole.Admin), set, cancellationToken).ConfigureAwait(false);
    }
}
