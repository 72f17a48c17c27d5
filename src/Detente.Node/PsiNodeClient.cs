using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Detente.Psi;

namespace Detente.Node;

/// <summary>What an initiator got from a PSI session with a node.</summary>
/// <param name="Result">The intersection (or its size).</param>
/// <param name="SessionId">The session id the node gave.</param>
/// <param name="InitiatorSetSize">The set size the node saw.</param>
/// <param name="ResponderSetSize">The node's set size.</param>
/// <param name="KeyEpoch">The node's key epoch.</param>
/// <param name="KeyCommitment">The node's public key K of that epoch (the key commitment the node's record names).</param>
/// <param name="Blinding">How the elements were blinded.</param>
/// <param name="Precompute">Time to blind the set additively ahead of the session (zero for multiplicative blinding).</param>
/// <param name="Online">Time from opening the session to comparing.</param>
/// <param name="BytesSent">Chunk bytes sent to the node.</param>
/// <param name="BytesReceived">Chunk bytes received from the node.</param>
public sealed record PsiRunReport(PsiResult Result, PsiSessionId SessionId, int InitiatorSetSize, int ResponderSetSize, PsiSessionId KeyEpoch,
    ReadOnlyMemory<byte> KeyCommitment, PsiBlinding Blinding, TimeSpan Precompute, TimeSpan Online, long BytesSent, long BytesReceived)
{
    /// <summary>The node's receipt at close: the session's log entries with their leaf indices, salts and records (no
    /// proofs yet); null when the node answered none. Check it later with <see cref="PsiNodeClient.GetLogProofAsync"/>.</summary>
    public PsiSessionLogProof? LogReceipt { get; init; }

    /// <summary>The outcome the node recorded at close (<c>completed</c>, or <c>closed</c>).</summary>
    public string? Outcome { get; init; }
}

/// <summary>
/// The initiator's side of a PSI session with a node over HTTP (<c>detente psi run</c>): fetches the node's key for the
/// epoch, blinds its set additively for that key ahead of the session (intersection mode, <see cref="PsiBlindedSet"/>),
/// opens a session, sends one Blinded chunk per request (the next one while the answers to the previous are unblinded),
/// unblinds the answers, fetches the node's tags, compares and closes the session. Any refusal of the node or
/// malformed answer ends the session (it is closed on the node) with a <see cref="PsiException"/>.
/// </summary>
/// <param name="http">The client; its base address is not used.</param>
/// <param name="node">The node's URL (scheme, host, port; the PSI routes are under <c>/psi/</c>).</param>
/// <param name="token">The API token to authenticate with, or null when <paramref name="http"/> authenticates otherwise (a
/// client certificate for mutual TLS).</param>
/// <param name="timeProvider">Clock for the phase times; the system clock when null.</param>
public sealed class PsiNodeClient(HttpClient http, Uri node, string? token, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;

    /// <summary>Runs a session of <paramref name="elements"/> against the node's <paramref name="set"/>.</summary>
    /// <exception cref="PsiException">The node refused (its TAXII error's title and description are in the message), or
    /// answered with a malformed chunk, a wrong key or a size other than announced.</exception>
    /// <exception cref="HttpRequestException">The node could not be reached.</exception>
    public async Task<PsiRunReport> RunAsync(IReadOnlyList<PsiElement> elements, PsiSetKind set, PsiMode mode, PsiOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(elements);
        options ??= new PsiOptions();
        int size = Math.Max(new HashSet<PsiElement>(elements).Count, options.PadTo);

        using JsonDocument key = await SendJsonAsync(HttpMethod.Get, "psi/key", null, cancellationToken).ConfigureAwait(false);
        PsiSessionId epoch = PsiSessionId.Parse(key.RootElement.GetProperty("key_epoch").GetString()!);
        byte[] commitment = Convert.FromHexString(key.RootElement.GetProperty("key_commitment").GetString()!);

        long start = _clock.GetTimestamp();
        // The set is known: it is hashed to the group and blinded now, so the session only sends and unblinds.
        using PsiBlindedSet? blinds = mode == PsiMode.Intersection ? PsiBlindedSet.Create(commitment, epoch, elements, options) : null;
        TimeSpan precompute = _clock.GetElapsedTime(start);

        start = _clock.GetTimestamp();
        string request = SessionRequest(set, mode, size, epoch, commitment);
        using JsonDocument opened = await SendJsonAsync(HttpMethod.Post, "psi/sessions", request, cancellationToken).ConfigureAwait(false);
        JsonElement answer = opened.RootElement;
        PsiSessionId sessionId = PsiSessionId.Parse(answer.GetProperty("session_id").GetString()!);
        int responderSize = answer.GetProperty("responder_set_size").GetInt32();
        if (!Convert.FromHexString(answer.GetProperty("key_commitment").GetString()!).AsSpan().SequenceEqual(commitment))
        {
            await CloseQuietlyAsync(sessionId).ConfigureAwait(false);
            throw new PsiException("The node opened the session with another key than it published for the epoch.");
        }

        long sent = 0;
        long received = 0;
        try
        {
            PsiInitiatorSession session = blinds is null
                ? new PsiInitiatorSession(sessionId, epoch, mode, elements, responderSize, options)
                : new PsiInitiatorSession(sessionId, blinds, responderSize, options);
            // Two frame buffers in turn: chunk N + 1 travels to the node and is evaluated there while the answers to
            // chunk N are unblinded here. The node still sees one request at a time, in order.
            ArrayBufferWriter<byte>[] frames = [new(), new()];
            int turn = 0;
            byte[]? answered = null;
            while (true)
            {
                ArrayBufferWriter<byte> frame = frames[turn];
                frame.ResetWrittenCount();
                if (!session.TryWriteBlinded(frame))
                {
                    break;
                }

                sent += frame.WrittenCount;
                Task<byte[]> inFlight = SendFramesAsync(HttpMethod.Post, $"psi/sessions/{sessionId}/blinded", frame.WrittenMemory, cancellationToken);
                try
                {
                    if (answered is not null)
                    {
                        ForEachFrame(answered, session.ReadEvaluated);
                    }
                }
                catch (Exception e) when (e is PsiException or InvalidOperationException)
                {
                    // Let the request in flight finish before the session is closed; its outcome no longer matters.
                    try
                    {
                        await inFlight.ConfigureAwait(false);
                    }
                    catch (Exception ignored) when (ignored is PsiException or HttpRequestException or OperationCanceledException)
                    {
                    }

                    throw;
                }

                answered = await inFlight.ConfigureAwait(false);
                received += answered.Length;
                turn ^= 1;
            }

            if (answered is not null)
            {
                ForEachFrame(answered, session.ReadEvaluated);
            }

            byte[] tags = await SendFramesAsync(HttpMethod.Get, $"psi/sessions/{sessionId}/tags", null, cancellationToken).ConfigureAwait(false);
            received += tags.Length;
            ForEachFrame(tags, session.ReadResponder);
            PsiResult result = session.Complete();
            using JsonDocument closed = await SendJsonAsync(HttpMethod.Delete, $"psi/sessions/{sessionId}", null, cancellationToken).ConfigureAwait(false);
            PsiSessionLogProof? receipt = closed.RootElement.TryGetProperty("log", out JsonElement log)
                && PsiSessionLogProof.TryParse(log, out PsiSessionLogProof? parsed, out _) && parsed.SessionId == sessionId ? parsed : null;
            string? outcome = closed.RootElement.TryGetProperty("outcome", out JsonElement o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            return new PsiRunReport(result, sessionId, session.SetSize, responderSize, epoch, commitment,
                blinds is null ? PsiBlinding.Multiplicative : PsiBlinding.Additive, precompute, _clock.GetElapsedTime(start), sent, received)
            {
                LogReceipt = receipt,
                Outcome = outcome,
            };
        }
        catch (Exception e) when (e is PsiException or InvalidOperationException)
        {
            await CloseQuietlyAsync(sessionId).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The inclusion proofs of a session's log entries (<c>GET /log/proof/psi/{id}</c>), or null while no checkpoint
    /// covers them yet (the node seals within its batch delay, about a second by default). Check the answer with
    /// <see cref="PsiSessionLogProof.Verify"/> against the log key pinned for the node.
    /// </summary>
    /// <exception cref="PsiException">The node refused (not a party, no such session) or answered something else than a proof.</exception>
    /// <exception cref="HttpRequestException">The node could not be reached.</exception>
    public async Task<PsiSessionLogProof?> GetLogProofAsync(PsiSessionId sessionId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"log/proof/psi/{sessionId}"));
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new PsiException(Refusal(response, body));
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return PsiSessionLogProof.TryParse(document.RootElement, out PsiSessionLogProof? proof, out string? problem) && !proof.IsReceipt
                ? proof
                : throw new PsiException("The node's answer to the log proof is " + (problem ?? "a receipt, not a proof") + ".");
        }
        catch (JsonException e)
        {
            throw new PsiException("The node's answer to the log proof is not JSON: " + e.Message);
        }
    }

    private static string SessionRequest(PsiSetKind set, PsiMode mode, int size, PsiSessionId epoch, byte[] commitment)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("set", NodePsiOptions.SetName(set));
            writer.WriteString("mode", mode == PsiMode.Intersection ? "intersection" : "cardinality");
            writer.WriteNumber("size", size);
            writer.WriteString("key_epoch", epoch.ToString());
            writer.WriteString("key_commitment", Convert.ToHexStringLower(commitment));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private async Task CloseQuietlyAsync(PsiSessionId sessionId)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(node, $"psi/sessions/{sessionId}"));
            request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
            using HttpResponseMessage response = await http.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // The node ends an idle session by itself.
        }
    }

    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        byte[] body = await SendAsync(method, path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), "application/json",
            cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new PsiException($"The node's answer to {path} is not JSON: {e.Message}");
        }
    }

    private Task<byte[]> SendFramesAsync(HttpMethod method, string path, ReadOnlyMemory<byte>? frames, CancellationToken cancellationToken)
    {
        ByteArrayContent? content = null;
        if (frames is ReadOnlyMemory<byte> bytes)
        {
            content = new ByteArrayContent(bytes.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue(PsiEndpoints.OctetStream);
        }

        return SendAsync(method, path, content, PsiEndpoints.OctetStream, cancellationToken);
    }

    private async Task<byte[]> SendAsync(HttpMethod method, string path, HttpContent? content, string? accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(node, path)) { Content = content };
        request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new PsiException(Refusal(response, body));
        }

        return body;
    }

    /// <summary>"the node refused: 429 PSI rate limit: … (retry after 3600 s)" from a TAXII error.</summary>
    private static string Refusal(HttpResponseMessage response, byte[] body)
    {
        string title = response.ReasonPhrase ?? "error";
        string? description = null;
        try
        {
            using JsonDocument error = JsonDocument.Parse(body);
            if (error.RootElement.ValueKind == JsonValueKind.Object)
            {
                title = error.RootElement.TryGetProperty("title", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : title;
                description = error.RootElement.TryGetProperty("description", out JsonElement d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not a TAXII error: the status says enough.
        }

        string retry = response.Headers.RetryAfter?.Delta is TimeSpan delta
            ? string.Create(CultureInfo.InvariantCulture, $" (retry after {(long)delta.TotalSeconds} s)")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"the node refused: {(int)response.StatusCode} {title}{(description is null ? string.Empty : ": " + description)}{retry}");
    }

    private delegate void FrameReader(ReadOnlySpan<byte> frame);

    private static void ForEachFrame(ReadOnlySpan<byte> frames, FrameReader read)
    {
        while (!frames.IsEmpty)
        {
            if (!PsiChunk.TryRead(frames, out _, out _, out int length))
            {
                throw new PsiException("The node's answer ends in a truncated PSI chunk.");
            }

            read(frames[..length]);
            frames = frames[length..];
        }
    }
}
