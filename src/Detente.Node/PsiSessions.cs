using Detente.Ledger.Entries;
using Detente.Psi;
using Detente.Storage;

namespace Detente.Node;

/// <summary>One key epoch of the node: its id (the DST's key context), its key, and how many open sessions use it.</summary>
internal sealed class PsiKeyEpoch(long index, PsiSessionId id, PsiKey key, DateTimeOffset ends)
{
    public long Index { get; } = index;

    public PsiSessionId Id { get; } = id;

    public PsiKey Key { get; } = key;

    public DateTimeOffset Ends { get; } = ends;

    /// <summary>Open sessions on this key (guarded by <see cref="PsiSessions"/>' lock).</summary>
    public int Sessions { get; set; }

    /// <summary>A newer epoch has begun; the key is wiped once no session uses it.</summary>
    public bool Retired { get; set; }
}

/// <summary>One open PSI session of the node.</summary>
internal sealed class NodePsiSession(PsiSessionId id, NodePrincipal principal, PsiSetKind set, PsiMode mode, PsiKeyEpoch epoch,
    PsiResponderSession responder, int responderSetSize, DateTimeOffset opened)
{
    public PsiSessionId Id { get; } = id;

    public NodePrincipal Principal { get; } = principal;

    public PsiSetKind Set { get; } = set;

    public PsiMode Mode { get; } = mode;

    public PsiKeyEpoch Epoch { get; } = epoch;

    /// <summary>The library's session; one request at a time uses it (lock this object).</summary>
    public PsiResponderSession Responder { get; } = responder;

    public int ResponderSetSize { get; } = responderSetSize;

    public DateTimeOffset Opened { get; } = opened;

    public DateTimeOffset LastUsed { get; set; } = opened;

    public bool TagsSent { get; set; }

    private readonly List<LogEntryRecord> _logged = [];

    /// <summary>Keeps a log entry written for this session (for the receipt at close).</summary>
    public void AddLogged(LogEntryRecord entry)
    {
        lock (_logged)
        {
            _logged.Add(entry);
        }
    }

    /// <summary>The log entries written for this session so far, oldest first.</summary>
    public LogEntryRecord[] Logged()
    {
        lock (_logged)
        {
            return [.. _logged];
        }
    }

    /// <summary>The session's record with the given outcome.</summary>
    public PsiSessionRecord Record(string responder, DateTimeOffset time, string outcome) => new(Id, Principal.Name, responder, Set, Mode,
        Responder.InitiatorSetSize, ResponderSetSize, Epoch.Id, Epoch.Key.PublicKey.ToArray(), Opened, time, outcome);
}

/// <summary>
/// The node's PSI state: the key of the current epoch (a new random key every <see cref="NodePsiOptions.KeyEpoch"/>;
/// the old one is wiped when its last session ends), the sessions opened per principal in the last hour (the rate
/// limit), and the open sessions. Thread-safe.
/// </summary>
internal sealed class PsiSessions(NodePsiOptions options, TimeProvider timeProvider) : IDisposable
{
    private static readonly TimeSpan s_window = TimeSpan.FromHours(1);
    private readonly Lock _lock = new();
    private readonly Dictionary<PsiSessionId, NodePsiSession> _sessions = [];
    private readonly Dictionary<string, Queue<DateTimeOffset>> _opened = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _historyGate = new(1, 1);
    private volatile bool _historyLoaded;
    private PsiKeyEpoch? _current;

    public NodePsiOptions Options { get; } = options;

    /// <summary>The current key epoch, starting a new one (and retiring the old) when its time has come.</summary>
    public PsiKeyEpoch CurrentEpoch()
    {
        lock (_lock)
        {
            return Current();
        }
    }

    /// <summary>
    /// Takes a hold on the current epoch when its id is <paramref name="expected"/> (its key is then kept until
    /// <see cref="ReleaseEpoch"/>); null when the epoch has changed since the initiator fetched its key.
    /// </summary>
    public PsiKeyEpoch? TryHoldEpoch(PsiSessionId expected)
    {
        lock (_lock)
        {
            PsiKeyEpoch current = Current();
            if (current.Id != expected)
            {
                return null;
            }

            current.Sessions++;
            return current;
        }
    }

    /// <summary>Gives back a hold of <see cref="TryHoldEpoch"/>; a retired epoch's key is wiped with its last hold.</summary>
    public void ReleaseEpoch(PsiKeyEpoch epoch)
    {
        lock (_lock)
        {
            epoch.Sessions--;
            if (epoch.Retired && epoch.Sessions == 0)
            {
                epoch.Key.Dispose();
            }
        }
    }

    /// <summary>
    /// Once, before the first session is counted: the sessions each principal opened in the last hour, read from the
    /// <c>psi-session</c> records of the store's log (newest first, until a record older than the hour), so that a
    /// restart does not hand a partner a fresh allowance. A failed read fails the caller and is tried again next time.
    /// </summary>
    public async Task LoadHistoryAsync(IStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (_historyLoaded)
        {
            return;
        }

        await _historyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_historyLoaded)
            {
                return;
            }

            const int PageSize = 256;
            DateTimeOffset since = timeProvider.GetUtcNow() - s_window;
            var opened = new List<PsiSessionSummary>();
            long? before = null;
            bool older = false;
            while (!older)
            {
                IReadOnlyList<LogEntryRecord> page = await store.ReadRecentLogRecordsAsync(LogAction.PsiSession, before, PageSize, cancellationToken)
                    .ConfigureAwait(false);
                foreach (LogEntryRecord entry in page)
                {
                    if (!PsiSessionRecord.TryReadSummary(entry.Record.Span, out PsiSessionSummary summary))
                    {
                        continue;
                    }

                    if (summary.Time <= since)
                    {
                        older = true;
                        break;
                    }

                    if (string.Equals(summary.Outcome, "opened", StringComparison.Ordinal) && summary.Opened > since)
                    {
                        opened.Add(summary);
                    }
                }

                older |= page.Count < PageSize;
                before = page.Count > 0 ? page[^1].LeafIndex : before;
            }

            lock (_lock)
            {
                foreach (IGrouping<string, PsiSessionSummary> principal in opened.GroupBy(static s => s.Initiator, StringComparer.Ordinal))
                {
                    IEnumerable<DateTimeOffset> times = principal.Select(static s => s.Opened);
                    if (_opened.TryGetValue(principal.Key, out Queue<DateTimeOffset>? counted))
                    {
                        times = times.Concat(counted);
                    }

                    _opened[principal.Key] = new Queue<DateTimeOffset>(times.Order());
                }
            }

            _historyLoaded = true;
        }
        finally
        {
            _historyGate.Release();
        }
    }

    /// <summary>Counts a session for <paramref name="principal"/> unless it has opened <see cref="NodePsiOptions.SessionsPerHour"/>
    /// in the last hour; then false, and when the oldest of those leaves the hour.</summary>
    public bool TryCountSession(string principal, out TimeSpan retryAfter)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_opened.TryGetValue(principal, out Queue<DateTimeOffset>? times))
            {
                _opened[principal] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && times.Peek() <= now - s_window)
            {
                times.Dequeue();
            }

            if (times.Count >= Options.SessionsPerHour)
            {
                retryAfter = times.Peek() + s_window - now;
                return false;
            }

            times.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>Adds an open session; it keeps the hold on its epoch that the caller took.</summary>
    public void Add(NodePsiSession session)
    {
        lock (_lock)
        {
            _sessions.Add(session.Id, session);
        }
    }

    /// <summary>The open session <paramref name="id"/> of <paramref name="principal"/>, marked as used now; null for another's or none.</summary>
    public NodePsiSession? Find(PsiSessionId id, NodePrincipal principal)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(id, out NodePsiSession? session) && string.Equals(session.Principal.Name, principal.Name, StringComparison.Ordinal))
            {
                session.LastUsed = timeProvider.GetUtcNow();
                return session;
            }

            return null;
        }
    }

    /// <summary>Removes a session; false when it was already removed (so that only one caller records its end).</summary>
    public bool Remove(NodePsiSession session)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(session.Id))
            {
                return false;
            }

            ReleaseEpoch(session.Epoch);
            return true;
        }
    }

    /// <summary>Removes and returns the sessions idle longer than <see cref="NodePsiOptions.SessionTimeout"/>.</summary>
    public List<NodePsiSession> RemoveExpired()
    {
        DateTimeOffset limit = timeProvider.GetUtcNow() - Options.SessionTimeout;
        List<NodePsiSession> expired;
        lock (_lock)
        {
            expired = [.. _sessions.Values.Where(s => s.LastUsed < limit)];
        }

        return [.. expired.Where(Remove)];
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _current?.Key.Dispose();
            foreach (NodePsiSession session in _sessions.Values)
            {
                session.Epoch.Key.Dispose();
            }

            _sessions.Clear();
        }

        _historyGate.Dispose();
    }

    private PsiKeyEpoch Current()
    {
        long ticks = Options.KeyEpoch.Ticks;
        long index = timeProvider.GetUtcNow().UtcTicks / ticks;
        if (_current is null || _current.Index != index)
        {
            if (_current is not null)
            {
                Retire(_current);
            }

            _current = new PsiKeyEpoch(index, PsiSessionId.New(), PsiKey.Generate(), new DateTimeOffset(checked((index + 1) * ticks), TimeSpan.Zero));
        }

        return _current;
    }

    private static void Retire(PsiKeyEpoch epoch)
    {
        epoch.Retired = true;
        if (epoch.Sessions == 0)
        {
            epoch.Key.Dispose();
        }
    }
}
