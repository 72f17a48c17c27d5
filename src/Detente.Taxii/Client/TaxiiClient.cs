using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Detente.Stix;
using Detente.Taxii.Http;
using Detente.Taxii.Query;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Detente.Taxii.Client;

/// <summary>A typed TAXII 2.1 client for one server, over a caller-owned <see cref="HttpClient"/>.</summary>
/// <remarks>
/// <para>Every request sends <c>Accept: application/taxii+json;version=2.1</c>, a <c>User-Agent</c>, and the
/// configured <c>Authorization</c>; a body goes with <c>Content-Type: application/taxii+json;version=2.1</c>.</para>
/// <para>Every request goes to the one server given at construction (same scheme, host and port), so the
/// credentials are never sent elsewhere, whatever a discovery resource advertises. HTTPS is required except to a
/// loopback host.</para>
/// <para>A response is read only up to <see cref="TaxiiClientOptions.MaxResponseBytes"/> and only when it is TAXII
/// 2.1 content; otherwise <see cref="TaxiiFormatException"/>. An error status is a <see cref="TaxiiException"/> with
/// the server's TAXII error message when it sent one. The client holds no state between requests and may be used
/// from several threads at once.</para>
/// </remarks>
public sealed class TaxiiClient
{
    /// <summary>The largest error body read, in bytes; a longer one is not parsed.</summary>
    public const int MaxErrorBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly TaxiiClientOptions _options;
    private readonly TaxiiReader _reader;
    private readonly TaxiiReader _errorReader;
    private readonly ILogger _logger;

    /// <summary>Creates a client for the TAXII server at <paramref name="server"/> (scheme, host and port).</summary>
    /// <param name="httpClient">The HTTP client; the caller owns and disposes it.</param>
    /// <param name="server">The server's root, e.g. <c>https://taxii.example.org/</c>; discovery is at <c>/taxii2/</c> under it.</param>
    /// <param name="options">Settings; the defaults when null.</param>
    /// <exception cref="ArgumentException"><paramref name="server"/> is not absolute, or not HTTPS and not a loopback host.</exception>
    public TaxiiClient(HttpClient httpClient, Uri server, TaxiiClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(server);
        if (!server.IsAbsoluteUri || !(server.Scheme == Uri.UriSchemeHttps || (server.Scheme == Uri.UriSchemeHttp && server.IsLoopback)))
        {
            throw new ArgumentException("A TAXII server is an absolute https:// URI (http:// only to a loopback host).", nameof(server));
        }

        _http = httpClient;
        Server = new Uri(server.GetLeftPart(UriPartial.Authority) + "/");
        _options = options ?? TaxiiClientOptions.Default;
        _reader = new TaxiiReader(_options.ReaderLimits with { MaxBytes = _options.MaxResponseBytes });
        _errorReader = new TaxiiReader(_options.ReaderLimits with { MaxBytes = MaxErrorBytes });
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Detente.Taxii.Client");
    }

    /// <summary>The server's root: scheme, host and port, with path <c>/</c>.</summary>
    public Uri Server { get; }

    /// <summary>Resolves an API root as written in a discovery resource against <see cref="Server"/>.</summary>
    /// <param name="apiRoot">An absolute URL, or a path starting with one <c>/</c> (TAXII 2.1 §4.1.1).</param>
    /// <param name="uri">The API root, ending in <c>/</c>.</param>
    /// <returns>False when the value breaks the spec's rules (a query, <c>//</c> or <c>../</c> at the start, not HTTPS) or names another server.</returns>
    public bool TryResolveApiRoot(string? apiRoot, [NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrEmpty(apiRoot) || apiRoot.Contains('?', StringComparison.Ordinal) || apiRoot.Contains('#', StringComparison.Ordinal)
            || apiRoot.StartsWith("//", StringComparison.Ordinal) || apiRoot.StartsWith("../", StringComparison.Ordinal))
        {
            return false;
        }

        Uri? candidate = apiRoot.StartsWith('/')
            ? new Uri(Server, apiRoot)
            : Uri.TryCreate(apiRoot, UriKind.Absolute, out Uri? absolute) && absolute.Scheme == Uri.UriSchemeHttps ? absolute : null;
        if (candidate is null || !SameServer(candidate))
        {
            return false;
        }

        uri = EndInSlash(candidate);
        return true;
    }

    /// <summary><c>GET /taxii2/</c>: the server's discovery resource (TAXII 2.1 §4.1).</summary>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 discovery resource.</exception>
    public async Task<TaxiiDiscovery> GetDiscoveryAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, new Uri(Server, "/taxii2/"), null, static (r, b) => r.ReadDiscovery(b.Span), false, cancellationToken).ConfigureAwait(false)).Resource;

    /// <summary><c>GET {api-root}/</c>: an API root's information (TAXII 2.1 §4.2).</summary>
    /// <param name="apiRoot">The API root: absolute on <see cref="Server"/>, or a path relative to it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 API root resource.</exception>
    public async Task<TaxiiApiRoot> GetApiRootAsync(Uri apiRoot, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, Root(apiRoot), null, static (r, b) => r.ReadApiRoot(b.Span), false, cancellationToken).ConfigureAwait(false)).Resource;

    /// <summary><c>GET {api-root}/collections/</c>: the collections the client may see (TAXII 2.1 §5.1).</summary>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 collections resource.</exception>
    public async Task<TaxiiCollections> GetCollectionsAsync(Uri apiRoot, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, Endpoint(apiRoot, "collections/"), null, static (r, b) => r.ReadCollections(b.Span), false, cancellationToken).ConfigureAwait(false)).Resource;

    /// <summary><c>GET {api-root}/collections/{id}/</c>: one collection (TAXII 2.1 §5.2).</summary>
    /// <exception cref="ArgumentException"><paramref name="collectionId"/> is empty, <c>.</c> or <c>..</c>.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 collection resource.</exception>
    public async Task<TaxiiCollection> GetCollectionAsync(Uri apiRoot, string collectionId, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, Endpoint(apiRoot, Collection(collectionId)), null, static (r, b) => r.ReadCollection(b.Span), false, cancellationToken).ConfigureAwait(false)).Resource;

    /// <summary><c>GET {api-root}/collections/{id}/objects/</c>: one page of objects (TAXII 2.1 §5.4).</summary>
    /// <param name="apiRoot">The API root.</param>
    /// <param name="collectionId">The collection.</param>
    /// <param name="query">Filters and paging; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 envelope, or its date headers are malformed.</exception>
    public Task<TaxiiPage<TaxiiEnvelope>> GetObjectsAsync(Uri apiRoot, string collectionId, TaxiiObjectQuery? query = null, CancellationToken cancellationToken = default) =>
        GetPageAsync(Endpoint(apiRoot, Collection(collectionId) + "objects/", query, TaxiiQueryEndpoint.Objects), static (r, b) => r.ReadEnvelope(b.ToExactArray()), cancellationToken);

    /// <summary>
    /// Every page of <c>GET {api-root}/collections/{id}/objects/</c>: follows <c>next</c> while <c>more</c> is true,
    /// or, without a <c>next</c>, continues with <c>added_after</c> set to the page's <c>X-TAXII-Date-Added-Last</c>
    /// (TAXII 2.1 §3.5), keeping the other parameters of <paramref name="query"/>.
    /// </summary>
    /// <remarks>
    /// Stops with a <see cref="TaxiiFormatException"/> rather than loop when the server claims more but gives nothing
    /// to continue from, or hands out the same <c>next</c> (or a <c>X-TAXII-Date-Added-Last</c> no later than the last one) twice.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">A response is not readable, or paging cannot progress.</exception>
    public async IAsyncEnumerable<TaxiiPage<TaxiiEnvelope>> GetAllObjectsAsync(
        Uri apiRoot,
        string collectionId,
        TaxiiObjectQuery? query = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TaxiiObjectQuery first = query ?? TaxiiObjectQuery.None;
        TaxiiObjectQuery current = first;
        for (int page = 1; ; page++)
        {
            TaxiiPage<TaxiiEnvelope> result = await GetObjectsAsync(apiRoot, collectionId, current, cancellationToken).ConfigureAwait(false);
            TaxiiEnvelope envelope = result.Resource;
            Log.PageRead(_logger, page, Root(apiRoot).AbsolutePath, envelope.Objects.Count, envelope.More);
            yield return result;
            if (!envelope.More)
            {
                yield break;
            }

            if (envelope.Next is string next)
            {
                if (next == current.Next)
                {
                    throw new TaxiiFormatException("The server gave the same 'next' token twice; paging does not progress.");
                }

                current = current with { Next = next };
            }
            else if (result.DateAddedLast is StixTimestamp last)
            {
                if (current.AddedAfter is StixTimestamp previous && last <= previous)
                {
                    throw new TaxiiFormatException($"{TaxiiHeaders.DateAddedLast} did not advance past added_after ({previous}); paging does not progress.");
                }

                current = first with { AddedAfter = last, Next = null };
            }
            else
            {
                throw new TaxiiFormatException($"The envelope says 'more' but gives neither 'next' nor {TaxiiHeaders.DateAddedLast}; paging cannot continue.");
            }
        }
    }

    /// <summary><c>POST {api-root}/collections/{id}/objects/</c>: adds the envelope's objects, their bytes as they are (TAXII 2.1 §5.5).</summary>
    /// <returns>The status resource; poll <see cref="WaitForStatusAsync"/> while it is pending.</returns>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 status resource.</exception>
    public async Task<TaxiiStatus> AddObjectsAsync(Uri apiRoot, string collectionId, TaxiiEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var content = new ByteArrayContent(envelope.Serialize());
        content.Headers.TryAddWithoutValidation("Content-Type", TaxiiMediaTypes.Taxii21);
        return (await SendAsync(HttpMethod.Post, Endpoint(apiRoot, Collection(collectionId) + "objects/"), content, static (r, b) => r.ReadStatus(b.Span), false, cancellationToken).ConfigureAwait(false)).Resource;
    }

    /// <summary><c>POST {api-root}/collections/{id}/objects/</c> with an envelope of <paramref name="objects"/> in their canonical form.</summary>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 status resource.</exception>
    public Task<TaxiiStatus> AddObjectsAsync(Uri apiRoot, string collectionId, IEnumerable<StixObject> objects, CancellationToken cancellationToken = default) =>
        AddObjectsAsync(apiRoot, collectionId, TaxiiEnvelope.Create(objects), cancellationToken);

    /// <summary><c>GET {api-root}/status/{status-id}/</c>: the status of an add-objects request (TAXII 2.1 §4.3).</summary>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status (404: unknown or expired).</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 status resource.</exception>
    public async Task<TaxiiStatus> GetStatusAsync(Uri apiRoot, string statusId, CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, Endpoint(apiRoot, "status/" + Segment(statusId, nameof(statusId)) + "/"), null, static (r, b) => r.ReadStatus(b.Span), false, cancellationToken).ConfigureAwait(false)).Resource;

    /// <summary>
    /// Polls the status of <paramref name="status"/> until it is complete: awaits <paramref name="delay"/> before
    /// each request, so the caller decides the pace (and tests need no clock). Cancellation ends the wait.
    /// </summary>
    /// <param name="apiRoot">The API root the objects were added to.</param>
    /// <param name="status">The status returned by the POST (returned as it is when complete).</param>
    /// <param name="delay">Called with the attempt number (1, 2, …) before each request; e.g. a back-off.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">A response is not a readable TAXII 2.1 status resource.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public async Task<TaxiiStatus> WaitForStatusAsync(Uri apiRoot, TaxiiStatus status, Func<int, CancellationToken, Task> delay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(delay);
        TaxiiStatus current = status;
        for (int attempt = 1; !current.IsComplete; attempt++)
        {
            await delay(attempt, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            current = await GetStatusAsync(apiRoot, status.Id, cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    /// <summary><c>GET {api-root}/collections/{id}/objects/{object-id}/</c>: the versions of one object asked for (TAXII 2.1 §5.6).</summary>
    /// <param name="apiRoot">The API root.</param>
    /// <param name="collectionId">The collection.</param>
    /// <param name="objectId">The object's STIX id.</param>
    /// <param name="query"><c>added_after</c>, <c>limit</c>, <c>next</c>, <c>match[version]</c>, <c>match[spec_version]</c>; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">An argument is invalid, or the query has a parameter this endpoint does not take.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 envelope.</exception>
    public Task<TaxiiPage<TaxiiEnvelope>> GetObjectAsync(Uri apiRoot, string collectionId, string objectId, TaxiiObjectQuery? query = null, CancellationToken cancellationToken = default) =>
        GetPageAsync(Endpoint(apiRoot, ObjectPath(collectionId, objectId), query, TaxiiQueryEndpoint.Object), static (r, b) => r.ReadEnvelope(b.ToExactArray()), cancellationToken);

    /// <summary><c>DELETE {api-root}/collections/{id}/objects/{object-id}/</c>: deletes an object, or the versions asked for (TAXII 2.1 §5.7).</summary>
    /// <param name="apiRoot">The API root.</param>
    /// <param name="collectionId">The collection.</param>
    /// <param name="objectId">The object's STIX id.</param>
    /// <param name="query"><c>match[version]</c>, <c>match[spec_version]</c>; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">An argument is invalid, or the query has a parameter this endpoint does not take.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    public async Task DeleteObjectAsync(Uri apiRoot, string collectionId, string objectId, TaxiiObjectQuery? query = null, CancellationToken cancellationToken = default) =>
        await SendAsync<object?>(HttpMethod.Delete, Endpoint(apiRoot, ObjectPath(collectionId, objectId), query, TaxiiQueryEndpoint.DeleteObject), null, null, false, cancellationToken).ConfigureAwait(false);

    /// <summary><c>GET {api-root}/collections/{id}/objects/{object-id}/versions/</c>: one page of an object's versions (TAXII 2.1 §5.8).</summary>
    /// <param name="apiRoot">The API root.</param>
    /// <param name="collectionId">The collection.</param>
    /// <param name="objectId">The object's STIX id.</param>
    /// <param name="query"><c>added_after</c>, <c>limit</c>, <c>next</c>, <c>match[spec_version]</c>; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">An argument is invalid, or the query has a parameter this endpoint does not take.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 versions resource.</exception>
    public Task<TaxiiPage<TaxiiVersions>> GetVersionsAsync(Uri apiRoot, string collectionId, string objectId, TaxiiObjectQuery? query = null, CancellationToken cancellationToken = default) =>
        GetPageAsync(Endpoint(apiRoot, ObjectPath(collectionId, objectId) + "versions/", query, TaxiiQueryEndpoint.Versions), static (r, b) => r.ReadVersions(b.Span), cancellationToken);

    /// <summary><c>GET {api-root}/collections/{id}/manifest/</c>: one page of the manifest (TAXII 2.1 §5.3).</summary>
    /// <param name="apiRoot">The API root.</param>
    /// <param name="collectionId">The collection.</param>
    /// <param name="query">Filters and paging; none when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="TaxiiException">The server answered with an error status.</exception>
    /// <exception cref="TaxiiFormatException">The response is not a readable TAXII 2.1 manifest resource.</exception>
    public Task<TaxiiPage<TaxiiManifest>> GetManifestAsync(Uri apiRoot, string collectionId, TaxiiObjectQuery? query = null, CancellationToken cancellationToken = default) =>
        GetPageAsync(Endpoint(apiRoot, Collection(collectionId) + "manifest/", query, TaxiiQueryEndpoint.Manifest), static (r, b) => r.ReadManifest(b.Span), cancellationToken);

    private async Task<TaxiiPage<T>> GetPageAsync<T>(Uri uri, Func<TaxiiReader, BodyBuffer, T> read, CancellationToken cancellationToken)
        where T : ITaxiiResource
    {
        Response<T> response = await SendAsync(HttpMethod.Get, uri, null, read, true, cancellationToken).ConfigureAwait(false);
        return new TaxiiPage<T>(response.Resource, response.DateAddedFirst, response.DateAddedLast);
    }

    private readonly record struct Response<T>(T Resource, StixTimestamp? DateAddedFirst, StixTimestamp? DateAddedLast);

    /// <summary>Sends one request and reads its response: the error path, the media type check, the bounded body.</summary>
    /// <remarks>
    /// <c>read</c> reads the body; null when the response has none worth reading (DELETE). <c>pageHeaders</c> asks
    /// for the <c>X-TAXII-Date-Added-*</c> headers.
    /// </remarks>
    private async Task<Response<T>> SendAsync<T>(
        HttpMethod method,
        Uri uri,
        HttpContent? content,
        Func<TaxiiReader, BodyBuffer, T>? read,
        bool pageHeaders,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", TaxiiMediaTypes.Taxii21);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        if (_options.Credentials is TaxiiCredentials credentials)
        {
            request.Headers.Authorization = credentials.Header;
        }

        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(method, uri, response, cancellationToken).ConfigureAwait(false);
        }

        if (read is null)
        {
            return new Response<T>(default!, null, null);
        }

        try
        {
            string? contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out HeaderStringValues values) ? values.ToString() : null;
            if (!TaxiiMediaTypes.IsTaxii21ContentType(contentType))
            {
                throw new TaxiiFormatException($"The response is not TAXII 2.1 content (Content-Type: {(contentType is null ? "none" : Printable.Escape(contentType, 100))}).");
            }

            StixTimestamp? first = pageHeaders ? DateHeader(response, TaxiiHeaders.DateAddedFirst) : null;
            StixTimestamp? last = pageHeaders ? DateHeader(response, TaxiiHeaders.DateAddedLast) : null;
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using BodyBuffer buffer = await BodyBuffer.ReadAsync(body, _options.MaxResponseBytes, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
                return new Response<T>(read(_reader, buffer), first, last);
            }
        }
        catch (TaxiiFormatException e)
        {
            Log.ResponseRefused(_logger, method.Method, uri.AbsolutePath, e.Message);
            throw;
        }
    }

    private async Task<TaxiiException> ErrorAsync(HttpMethod method, Uri uri, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        HttpStatusCode status = response.StatusCode;
        Log.RequestFailed(_logger, method.Method, uri.AbsolutePath, (int)status);
        TaxiiError? error = null;
        string? contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out HeaderStringValues values) ? values.ToString() : null;
        if (TaxiiMediaTypes.IsTaxii21ContentType(contentType))
        {
            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    using BodyBuffer buffer = await BodyBuffer.ReadAsync(body, MaxErrorBytes, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
                    error = _errorReader.ReadError(buffer.Span);
                }
            }
            catch (TaxiiFormatException)
            {
                // Not a TAXII error message (or too long to read): the status alone says what happened.
            }
        }

        string what = error is null
            ? response.ReasonPhrase is { Length: > 0 } reason ? Printable.Escape(reason, 100) : status.ToString()
            : error.Description is null
                ? Printable.Escape(error.Title, 200)
                : $"{Printable.Escape(error.Title, 200)}: {Printable.Escape(error.Description, 300)}";
        return new TaxiiException(status, response.ReasonPhrase, error, $"TAXII {method.Method} {uri.AbsolutePath} answered {(int)status}: {what}");
    }

    private static StixTimestamp? DateHeader(HttpResponseMessage response, string name)
    {
        if (!response.Headers.NonValidated.TryGetValues(name, out HeaderStringValues values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            throw new TaxiiFormatException($"The response has {values.Count} {name} headers.");
        }

        string text = values.ToString();
        return StixTimestamp.TryParse(text, out StixTimestamp t)
            ? t
            : throw new TaxiiFormatException($"{name} is not a timestamp: '{Printable.Escape(text, 64)}'.");
    }

    /// <summary>The API root as an absolute URI on <see cref="Server"/>, ending in <c>/</c>.</summary>
    private Uri Root(Uri apiRoot)
    {
        ArgumentNullException.ThrowIfNull(apiRoot);
        Uri absolute = apiRoot.IsAbsoluteUri ? apiRoot : new Uri(Server, apiRoot);
        if (!SameServer(absolute) || absolute.Query.Length > 0 || absolute.Fragment.Length > 0)
        {
            throw new ArgumentException($"The API root must be on {Server} and have no query.", nameof(apiRoot));
        }

        return EndInSlash(absolute);
    }

    private Uri Endpoint(Uri apiRoot, string path) => new(Root(apiRoot), path);

    private Uri Endpoint(Uri apiRoot, string path, TaxiiObjectQuery? query, TaxiiQueryEndpoint endpoint)
    {
        Uri root = Root(apiRoot);
        if (query is null || query.IsEmpty)
        {
            return new Uri(root, path);
        }

        string? refused = query.FirstDisallowed(endpoint);
        if (refused is not null)
        {
            throw new ArgumentException($"This endpoint does not take {refused}.", nameof(query));
        }

        return new Uri(root, path + query.ToQueryString());
    }

    private static string Collection(string collectionId) => "collections/" + Segment(collectionId, nameof(collectionId)) + "/";

    private static string ObjectPath(string collectionId, string objectId)
    {
        ArgumentNullException.ThrowIfNull(objectId);
        if (!StixId.TryParse(objectId, out _))
        {
            throw new ArgumentException("The object id must be a STIX id (type--uuid).", nameof(objectId));
        }

        return Collection(collectionId) + "objects/" + objectId + "/";
    }

    /// <summary>One path segment, percent-encoded; refuses what would change the path's shape.</summary>
    private static string Segment(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value is "." or "..")
        {
            throw new ArgumentException("A path segment cannot be '.' or '..'.", name);
        }

        return Uri.EscapeDataString(value);
    }

    private bool SameServer(Uri uri) =>
        uri.IsAbsoluteUri
            && string.Equals(uri.Scheme, Server.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.IdnHost, Server.IdnHost, StringComparison.OrdinalIgnoreCase)
            && uri.Port == Server.Port
            && string.IsNullOrEmpty(uri.UserInfo);

    private static Uri EndInSlash(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.GetLeftPart(UriPartial.Path) + "/");
}
