using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Detente.Ledger;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Tiles;
using Detente.Ledger.Witnessing;
using Detente.Storage;

namespace Detente.Node;

/// <summary>The node's checkpoint with the stored cosignatures of its witnesses appended (C2SP signed notes allow extra signature lines).</summary>
public static class CosignedCheckpoint
{
    /// <summary>
    /// The latest checkpoint of the store's log followed by every stored witness cosignature of exactly that checkpoint (same
    /// size; the node never signs two trees of one size), or null when the log has no checkpoint. What <c>GET /log/checkpoint</c>
    /// serves. Verifiers ignore signatures of keys they do not know, so the note verifies with the log key alone as before.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(IStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } note)
        {
            return null;
        }

        IReadOnlyList<LogWitnessRecord> witnesses = await store.ListLogWitnessesAsync(cancellationToken).ConfigureAwait(false);
        if (!witnesses.Any(static w => w.Cosignature is not null))
        {
            return note;
        }

        long size = Checkpoint.FromNote(SignedNote.Parse(note.Span)).Size;
        var text = new StringBuilder();
        foreach (LogWitnessRecord witness in witnesses.Where(w => w.CosignedSize == size && w.Cosignature is not null))
        {
            text.Append(witness.Cosignature).Append('\n');
        }

        return text.Length == 0 ? note : (ReadOnlyMemory<byte>)(byte[])[.. note.Span, .. Encoding.UTF8.GetBytes(text.ToString())];
    }
}

/// <summary>
/// Collects cosignatures of the node's checkpoints from the witnesses of its log (<c>detente log witness add</c>): after each
/// sealed checkpoint, submits it to every witness that has not cosigned it (C2SP tlog-witness <c>add-checkpoint</c>, with the
/// consistency proof from the size the witness last cosigned; on 409 it retries from the size the witness names), verifies
/// the returned cosignature against the witness key and stores it. A failing witness is retried with exponential backoff
/// (1 s doubling to 5 min); nothing here ever blocks sealing. Each witness is called with its own connection settings
/// (<see cref="LogWitnessConnection"/>: token, TLS trust, client certificate), one client per distinct TLS setting.
/// </summary>
internal sealed class LogCosigning(IStore store, NoteVerifierKey logKey, Func<LogWitnessRecord, LogWitnessConnection?> connections, TimeProvider time,
    ILogger logger, TileCache? tiles = null) : IDisposable
{
    /// <summary>How often the loop looks at the checkpoint when no seal woke it.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, (DateTimeOffset Next, TimeSpan Backoff)> _backoff = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sealed = new(0, 1);
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly Dictionary<string, (string Settings, HttpClient Client)> _clients = new(StringComparer.Ordinal);

    /// <summary>Disposes the clients.</summary>
    public void Dispose()
    {
        foreach ((_, HttpClient client) in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
        _sealed.Dispose();
        _pass.Dispose();
    }

    /// <summary>Wakes the loop: a new checkpoint was sealed.</summary>
    public void Sealed()
    {
        if (_sealed.CurrentCount == 0)
        {
            try
            {
                _sealed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Woken already.
            }
        }
    }

    /// <summary>Runs until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stop).ConfigureAwait(false);
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop);
                Task delay = Task.Delay(NextWait(), time, wake.Token);
                Task signal = _sealed.WaitAsync(wake.Token);
                await Task.WhenAny(delay, signal).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(delay, signal).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.CosigningFailed(logger, e);
                try
                {
                    await Task.Delay(PollInterval, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One pass: every witness that has not cosigned the current checkpoint and is not backing off is asked once.</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PassLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task PassLockedAsync(CancellationToken cancellationToken)
    {
        if (await store.LogTiles.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false) is not { } noteBytes)
        {
            return;
        }

        SignedNote note = SignedNote.Parse(noteBytes.Span);
        Checkpoint checkpoint = Checkpoint.FromNote(note);
        DateTimeOffset now = time.GetUtcNow();
        foreach (LogWitnessRecord witness in await store.ListLogWitnessesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (witness.CosignedSize == checkpoint.Size
                || (_backoff.TryGetValue(witness.Name, out (DateTimeOffset Next, TimeSpan Backoff) wait) && wait.Next > now))
            {
                continue;
            }

            string? problem;
            try
            {
                problem = await SubmitAsync(witness, note, checkpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or LedgerFormatException or InvalidOperationException or NodeConfigurationException
                || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                problem = OutgoingHttp.Describe(e);
            }

            if (problem is null)
            {
                _backoff.Remove(witness.Name);
                Log.Cosigned(logger, witness.Name, checkpoint.Size);
                continue;
            }

            TimeSpan next = _backoff.TryGetValue(witness.Name, out wait) ? TimeSpan.FromTicks(Math.Min(wait.Backoff.Ticks * 2, s_maxBackoff.Ticks)) : s_firstBackoff;
            _backoff[witness.Name] = (now + next, next);
            Log.WitnessFailed(logger, witness.Name, checkpoint.Size, problem, next.TotalSeconds);
        }
    }

    private TimeSpan NextWait()
    {
        _pass.Wait();
        try
        {
            return NextWaitLocked();
        }
        finally
        {
            _pass.Release();
        }
    }

    private TimeSpan NextWaitLocked()
    {
        DateTimeOffset now = time.GetUtcNow();
        TimeSpan wait = PollInterval;
        foreach ((DateTimeOffset next, _) in _backoff.Values)
        {
            TimeSpan until = next - now;
            if (until < wait)
            {
                wait = until < TimeSpan.Zero ? TimeSpan.Zero : until;
            }
        }

        return wait;
    }

    /// <summary>The client for a witness: the one made for it before while its TLS settings are the same, else a new one.</summary>
    private HttpClient ClientFor(string witness, OutgoingHttp settings)
    {
        string key = string.Join('|', settings.TrustedCertificate?.Thumbprint, settings.ClientCertificate?.Thumbprint, settings.RequestTimeout.Ticks,
            settings.ConnectTimeout.Ticks, settings.WrapHandler?.GetHashCode());
        if (_clients.TryGetValue(witness, out (string Settings, HttpClient Client) cached))
        {
            if (cached.Settings == key)
            {
                return cached.Client;
            }

            cached.Client.Dispose();
        }

        HttpClient client = settings.CreateClient();
        _clients[witness] = (key, client);
        return client;
    }

    /// <summary>Submits the checkpoint to one witness; null on a stored cosignature, else what went wrong.</summary>
    private async Task<string?> SubmitAsync(LogWitnessRecord witness, SignedNote note, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        if (!NoteVerifierKey.TryParse(witness.VerifierKey, out NoteVerifierKey? key) || key.Type != NoteKeyType.Cosignature)
        {
            return "the stored witness key is not a cosignature verifier key";
        }

        LogWitnessConnection connection = connections(witness) ?? new LogWitnessConnection();
        HttpClient http = ClientFor(witness.Name, connection.Http);

        // Only the log's own signature goes to the witness.
        var bare = new SignedNote(note.Text, [.. note.Signatures.Where(s => s.KeyName == logKey.Name && s.KeyId == logKey.KeyId)]);
        byte[] text = Encoding.UTF8.GetBytes(note.Text);
        long old = witness.KnownSize;
        var target = new Uri(witness.Url.AbsoluteUri.TrimEnd('/') + "/add-checkpoint");
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (old > checkpoint.Size)
            {
                return $"the witness has cosigned size {old} of this log, which is larger than its checkpoint ({checkpoint.Size}): a reset store or a split view";
            }

            MerkleHash[] proof = old == 0 || old == checkpoint.Size
                ? []
                : await MerkleProof.ConsistencyAsync(new TileHashReader(store.LogTiles, checkpoint.Size, tiles), old, checkpoint.Size, cancellationToken)
                    .ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new ByteArrayContent(new AddCheckpointRequest(old, proof, bare).ToBytes()),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            if (connection.Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
            }

            using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                foreach (NoteSignature signature in WitnessResponses.ParseCosignatures(body))
                {
                    if (signature.KeyName == key.Name && signature.KeyId == key.KeyId && key.VerifySignature(text, signature.Signature.Span, out _))
                    {
                        await store.UpdateLogWitnessAsync(witness.Name, checkpoint.Size, checkpoint.Size, signature.ToString(), time.GetUtcNow(),
                            cancellationToken).ConfigureAwait(false);
                        return null;
                    }
                }

                return "the witness answered 200 without a cosignature that verifies with its key";
            }

            if (response.StatusCode == HttpStatusCode.Conflict
                && string.Equals(response.Content.Headers.ContentType?.MediaType, WitnessResponses.SizeContentType, StringComparison.OrdinalIgnoreCase))
            {
                old = WitnessResponses.ParseSize(body);
                await store.UpdateLogWitnessAsync(witness.Name, old, null, null, null, cancellationToken).ConfigureAwait(false);
                continue;
            }

            string said = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300))).TrimEnd();
            return $"the witness answered {(int)response.StatusCode}: {said}";
        }

        return "the witness kept answering 409 with another size";
    }
}
