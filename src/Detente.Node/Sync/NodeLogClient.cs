using System.Net;
using System.Text;
using Detente.Ledger.Tiles;
using Detente.Taxii.Query;

namespace Detente.Node.Sync;

/// <summary>The answer to a request for an inclusion proof.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Proof">The proof (200 only, when it parsed).</param>
/// <param name="Body">The answer's body, as text (at most <see cref="NodeLogClient.MaxBodyBytes"/>), for evidence and messages.</param>
/// <param name="Problem">Why the body of a 200 is not a proof, or null.</param>
public sealed record ProofAnswer(HttpStatusCode Status, LogProof? Proof, string Body, string? Problem);

/// <summary>The answer to a request for the log openings of a page (<c>/log/openings/…</c>).</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Openings">The openings (200 only, when they parsed).</param>
/// <param name="Body">The answer's body, as text (at most <see cref="NodeLogClient.MaxBodyBytes"/>), for evidence and messages.</param>
/// <param name="Problem">Why the body of a 200 is not openings, or null.</param>
public sealed record OpeningsAnswer(HttpStatusCode Status, LogOpenings? Openings, string Body, string? Problem);

/// <summary>
/// A node's <c>/log/</c> paths over HTTP: the checkpoint, tiles and bundles (as a read-only <see cref="ITileStore"/>),
/// the verifier key, inclusion proofs and the gossip of partner checkpoints.
/// </summary>
/// <remarks>Used by <c>detente log</c> with <c>--url</c> and by the sync's audit. The <see cref="HttpClient"/> is the
/// caller's, with its credentials and TLS settings; every path is resolved against <see cref="Node"/>.</remarks>
public sealed class NodeLogClient : ITileStore
{
    /// <summary>The largest answer read: 32 MiB (a full tile is 8 KiB, a bundle at most 256 entries of 64 KiB).</summary>
    public const int MaxBodyBytes = 32 << 20;

    private readonly HttpClient _http;

    /// <summary>A client of the node at <paramref name="node"/> (its base URL, ending in <c>/</c>).</summary>
    public NodeLogClient(HttpClient http, Uri node)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(node);
        _http = http;
        Node = node.AbsoluteUri.EndsWith('/') ? node : new Uri(node.AbsoluteUri + "/");
    }

    /// <summary>The node's base URL.</summary>
    public Uri Node { get; }

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path, CancellationToken cancellationToken = default) =>
        await GetOrNullAsync("log/" + path, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadCheckpointAsync(CancellationToken cancellationToken = default) =>
        await GetOrNullAsync("log/checkpoint", cancellationToken).ConfigureAwait(false);

    /// <summary>Not supported: a node's log is read-only over HTTP.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public ValueTask<bool> TryCommitAsync(LogCommit commit, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("A node's log is read-only over HTTP.");

    /// <summary>The node's verifier key line (<c>/log/key</c>), without its line feed.</summary>
    /// <exception cref="HttpRequestException">The node did not answer 200.</exception>
    public async Task<string> ReadKeyAsync(CancellationToken cancellationToken = default)
    {
        byte[] body = await GetOrNullAsync("log/key", cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException("The node runs no transparency log (404 for /log/key).", null, HttpStatusCode.NotFound);
        return Encoding.UTF8.GetString(body).TrimEnd('\n');
    }

    /// <summary>The checkpoints of partner logs the node has verified (<c>/log/gossip</c>), or null when it serves none (404).</summary>
    /// <exception cref="HttpRequestException">Another failure.</exception>
    public async Task<byte[]?> ReadGossipAsync(CancellationToken cancellationToken = default) =>
        await GetOrNullAsync("log/gossip", cancellationToken).ConfigureAwait(false);

    /// <summary>Asks for the inclusion proof of one version of an object (<c>/log/proof/…</c>); <paramref name="version"/>
    /// null asks for the latest; <paramref name="treeSize"/> a proof against the checkpoint of that size (null: the latest).</summary>
    /// <exception cref="HttpRequestException">The request failed (no answer).</exception>
    public async Task<ProofAnswer> GetProofAsync(string apiRoot, string collection, string objectId, string? version, long? treeSize = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(objectId);
        var parameters = new List<string>(2);
        if (version is not null)
        {
            parameters.Add("match[version]=" + Uri.EscapeDataString(version));
        }

        if (treeSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            parameters.Add("tree_size=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        string query = parameters.Count == 0 ? string.Empty : "?" + string.Join('&', parameters);
        using HttpResponseMessage response = await _http.GetAsync(
            new Uri(Node, $"log/proof/{Uri.EscapeDataString(apiRoot)}/collections/{Uri.EscapeDataString(collection)}/objects/{Uri.EscapeDataString(objectId)}/{query}"),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        byte[] body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        string text = Encoding.UTF8.GetString(body);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new ProofAnswer(response.StatusCode, null, text, null);
        }

        return LogProof.TryParse(body, out LogProof? proof, out string? problem)
            ? new ProofAnswer(response.StatusCode, proof, text, null)
            : new ProofAnswer(response.StatusCode, null, text, problem);
    }

    /// <summary>Asks for the log openings (leaf index and salt of each version) of the page of a collection that
    /// <paramref name="query"/> selects on the objects route (<c>/log/openings/{root}/collections/{id}/objects/?…</c>).</summary>
    /// <exception cref="HttpRequestException">The request failed (no answer).</exception>
    public async Task<OpeningsAnswer> GetOpeningsAsync(string apiRoot, string collection, TaxiiObjectQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(query);
        using HttpResponseMessage response = await _http.GetAsync(
            new Uri(Node, $"log/openings/{Uri.EscapeDataString(apiRoot)}/collections/{Uri.EscapeDataString(collection)}/objects/{query.ToQueryString()}"),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        byte[] body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        string text = Encoding.UTF8.GetString(body);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new OpeningsAnswer(response.StatusCode, null, text, null);
        }

        return LogOpenings.TryParse(body, out LogOpenings? openings, out string? problem)
            ? new OpeningsAnswer(response.StatusCode, openings, text, null)
            : new OpeningsAnswer(response.StatusCode, null, text, problem);
    }

    private async Task<byte[]?> GetOrNullAsync(string path, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri(Node, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > MaxBodyBytes)
        {
            throw new HttpRequestException($"The node's answer is over {MaxBodyBytes} bytes.");
        }

        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    throw new HttpRequestException($"The node's answer is over {MaxBodyBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
