using System.Text;
using Detente.Ledger.Notes;
using Detente.Storage;

namespace Detente.Node;

/// <summary>
/// What <c>GET /log/gossip</c> serves: for each partner log, the checkpoint this node verified and pinned, byte for byte as
/// the partner served it (so with the cosignatures of the partner's witnesses that came with it), plus this node's own
/// cosignature when it witnesses that log and cosigned exactly that checkpoint; and for each log this node witnesses, the
/// checkpoint it last cosigned with its cosignature, when that is another one. A reader that knows a witness's key can
/// verify the cosignature and judge the log's freshness from its time (<c>Freshness.Check</c>); a reader that does not
/// ignores the extra signature lines, as signed notes allow.
/// </summary>
public static class GossipCheckpoints
{
    /// <summary>The (origin, signed checkpoint note) pairs, by origin.</summary>
    public static async Task<IReadOnlyList<(string Origin, string Checkpoint)>> ReadAsync(IStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var cosigned = new Dictionary<string, WitnessedLogRecord>(StringComparer.Ordinal);
        foreach (WitnessedLogRecord witnessed in await store.ListWitnessedLogsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (witnessed is { Checkpoint: not null, Cosignature: not null, RootHash: not null })
            {
                cosigned[witnessed.Origin] = witnessed;
            }
        }

        var checkpoints = new List<(string Origin, string Checkpoint)>();
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (PartnerLogRecord log in await store.ListPartnerLogsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (log.Checkpoint is not { } note)
            {
                continue;
            }

            Checkpoint checkpoint = Checkpoint.FromNote(SignedNote.Parse(note.Span));
            string text = Encoding.UTF8.GetString(note.Span);
            if (cosigned.TryGetValue(checkpoint.Origin, out WitnessedLogRecord? own) && own.Size == checkpoint.Size
                && own.RootHash!.Value.Span.SequenceEqual(checkpoint.RootHash.ToArray()))
            {
                served.Add(checkpoint.Origin);
                text = WithLine(text, own.Cosignature!);
            }

            checkpoints.Add((checkpoint.Origin, text));
        }

        foreach (WitnessedLogRecord own in cosigned.Values.Where(w => !served.Contains(w.Origin)))
        {
            checkpoints.Add((own.Origin, WithLine(Encoding.UTF8.GetString(own.Checkpoint!.Value.Span), own.Cosignature!)));
        }

        return [.. checkpoints.OrderBy(static c => c.Origin, StringComparer.Ordinal)];
    }

    /// <summary>The note with one more signature line, unless it carries that line already.</summary>
    private static string WithLine(string note, string signatureLine) =>
        note.Contains("\n" + signatureLine + "\n", StringComparison.Ordinal) ? note : note + signatureLine + "\n";
}
