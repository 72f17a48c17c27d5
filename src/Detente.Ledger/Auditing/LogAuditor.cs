using System.Globalization;
using Detente.Ledger.Entries;
using Detente.Ledger.Merkle;
using Detente.Ledger.Notes;
using Detente.Ledger.Sequencing;
using Detente.Ledger.Tiles;

namespace Detente.Ledger.Auditing;

/// <summary>Walks a whole log through the tile-store seam and recomputes everything from its entries.</summary>
/// <remarks>
/// <para>
/// In order: the checkpoint parses and its signature verifies with one of the log's keys (C2SP signed-note); its
/// origin is the expected one; every entry bundle up to the checkpoint size decodes to exactly its entries (and each
/// entry, optionally, is a well-formed <see cref="LogEntry"/>); every hash tile at that size equals, byte for byte, the
/// tile recomputed from the entries (RFC 9162 leaf and node hashes); the recomputed root equals the checkpoint's; and,
/// given a pinned older checkpoint, the tree at its size has its root, and an RFC 9162 consistency proof from it to
/// the current checkpoint verifies. The first failure stops the walk and is reported with its place.
/// </para>
/// <para>Memory stays bounded: one bundle and one tile per level at a time.</para>
/// </remarks>
public sealed class LogAuditor
{
    private readonly NoteVerifierKey[] _keys;
    private readonly string? _origin;

    /// <summary>Creates an auditor that trusts <paramref name="logKeys"/> and, when given, requires <paramref name="expectedOrigin"/>.</summary>
    public LogAuditor(IEnumerable<NoteVerifierKey> logKeys, string? expectedOrigin = null)
    {
        ArgumentNullException.ThrowIfNull(logKeys);
        _keys = logKeys.ToArray();
        _origin = expectedOrigin;
    }

    /// <summary>Whether every entry must also be a well-formed Detente log entry (default true).</summary>
    public bool CheckEntryFormat { get; init; } = true;

    /// <summary>The limits checkpoints are read with.</summary>
    public NoteLimits NoteLimits { get; init; } = NoteLimits.Default;

    /// <summary>Audits the log in <paramref name="store"/> at its latest checkpoint, and its consistency with <paramref name="pinned"/> if given.</summary>
    public async Task<LogAuditResult> AuditAsync(ITileStore store, Checkpoint? pinned = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var checks = new List<string>();
        ReadOnlyMemory<byte>? stored = await store.ReadCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (stored is not { } checkpointBytes)
        {
            return Fail(null, checks, DiscrepancyKind.CheckpointMissing, "checkpoint", "The log has no checkpoint.");
        }

        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            note = SignedNote.Parse(checkpointBytes.Span, NoteLimits);
            checkpoint = Checkpoint.FromNote(note);
        }
        catch (LedgerFormatException e)
        {
            return Fail(null, checks, DiscrepancyKind.CheckpointMalformed, "checkpoint", e.Message);
        }

        NoteVerification verification = note.Verify(_keys);
        if (!verification.IsValid)
        {
            return Fail(checkpoint, checks, DiscrepancyKind.CheckpointSignature, "checkpoint", verification.Message);
        }

        checks.Add($"checkpoint signature verifies ({string.Join(", ", verification.Verified.Select(static s => s.KeyName))})");
        if (_origin is not null && !string.Equals(_origin, checkpoint.Origin, StringComparison.Ordinal))
        {
            return Fail(checkpoint, checks, DiscrepancyKind.CheckpointOrigin, "checkpoint", $"The origin is '{checkpoint.Origin}', not '{_origin}'.");
        }

        var walk = new Walk(store, checkpoint.Size, CheckEntryFormat, cancellationToken);
        LogDiscrepancy? found = await walk.RunAsync().ConfigureAwait(false);
        if (found is not null)
        {
            return new LogAuditResult(checkpoint, walk.Entries, walk.Bundles, walk.Tiles, checks, found);
        }

        checks.Add(string.Create(CultureInfo.InvariantCulture,
            $"{walk.Entries} entries in {walk.Bundles} bundles rehashed; {walk.Tiles} tiles equal the recomputed ones"));
        if (walk.Root != checkpoint.RootHash)
        {
            return new LogAuditResult(checkpoint, walk.Entries, walk.Bundles, walk.Tiles, checks, new LogDiscrepancy(
                DiscrepancyKind.RootMismatch, "checkpoint", $"The recomputed root is {walk.Root}, the checkpoint says {checkpoint.RootHash}."));
        }

        checks.Add($"root {walk.Root} equals the checkpoint's at size {checkpoint.Size}");
        if (pinned is not null)
        {
            LogDiscrepancy? inconsistent = await CheckPinnedAsync(store, checkpoint, pinned, cancellationToken).ConfigureAwait(false);
            if (inconsistent is not null)
            {
                return new LogAuditResult(checkpoint, walk.Entries, walk.Bundles, walk.Tiles, checks, inconsistent);
            }

            checks.Add($"consistent with the pinned checkpoint of size {pinned.Size} (root and RFC 9162 consistency proof)");
        }

        return new LogAuditResult(checkpoint, walk.Entries, walk.Bundles, walk.Tiles, checks, null);
    }

    private static async Task<LogDiscrepancy?> CheckPinnedAsync(ITileStore store, Checkpoint current, Checkpoint pinned, CancellationToken cancellationToken)
    {
        string where = $"pinned checkpoint {pinned.Size}";
        if (!string.Equals(pinned.Origin, current.Origin, StringComparison.Ordinal))
        {
            return new LogDiscrepancy(DiscrepancyKind.Inconsistent, where, $"The pinned checkpoint is of origin '{pinned.Origin}', the log is '{current.Origin}'.");
        }

        if (pinned.Size > current.Size)
        {
            return new LogDiscrepancy(DiscrepancyKind.Inconsistent, where, $"The log has {current.Size} entries, fewer than the pinned {pinned.Size}: it was rolled back.");
        }

        // The tiles were just verified against the entries, so the tree they hold is the log's.
        var reader = new TileHashReader(store, current.Size);
        MerkleHash root = await MerkleProof.RootAsync(reader, pinned.Size, cancellationToken).ConfigureAwait(false);
        if (root != pinned.RootHash)
        {
            return new LogDiscrepancy(DiscrepancyKind.Inconsistent, where, $"The log's root at size {pinned.Size} is {root}, the pinned checkpoint says {pinned.RootHash}: the log was rewritten.");
        }

        if (pinned.Size == 0)
        {
            return null; // every log extends the empty one, whose root was just checked
        }

        MerkleHash[] proof = await MerkleProof.ConsistencyAsync(reader, pinned.Size, current.Size, cancellationToken).ConfigureAwait(false);
        return MerkleProof.VerifyConsistency(pinned.Size, current.Size, pinned.RootHash, current.RootHash, proof)
            ? null
            : new LogDiscrepancy(DiscrepancyKind.Inconsistent, where, "The consistency proof to the current checkpoint does not verify.");
    }

    private static LogAuditResult Fail(Checkpoint? checkpoint, List<string> checks, DiscrepancyKind kind, string where, string message) =>
        new(checkpoint, 0, 0, 0, checks, new LogDiscrepancy(kind, where, message));

    /// <summary>One pass over the bundles, carrying a row of hashes per level, as the sequencer does.</summary>
    private sealed class Walk(ITileStore store, long size, bool checkEntries, CancellationToken cancellationToken)
    {
        private readonly List<byte[]> _rows = [];
        private readonly List<int> _counts = [];
        private readonly List<long> _completed = [];

        public long Entries { get; private set; }

        public long Bundles { get; private set; }

        public long Tiles { get; private set; }

        public MerkleHash Root { get; private set; } = MerkleHasher.EmptyRoot;

        public async Task<LogDiscrepancy?> RunAsync()
        {
            // Bundles are read in windows; within a window the level-0 work (decode, rehash, compare, tile root) runs in
            // parallel, and the results are then taken in order, so the first discrepancy reported is the first in the log.
            // Bench: Ledger/AuditBenchmarks.
            const int Window = 64;
            long bundleCount = (size + TilePath.FullWidth - 1) / TilePath.FullWidth;
            var paths = new TilePath[Window];
            var bundles = new ReadOnlyMemory<byte>?[Window];
            var tiles = new ReadOnlyMemory<byte>?[Window];
            var results = new BundleResult[Window];
            var options = new ParallelOptions { CancellationToken = cancellationToken };
            for (long start = 0; start < bundleCount; start += Window)
            {
                int n = (int)Math.Min(Window, bundleCount - start);
                for (int i = 0; i < n; i++)
                {
                    paths[i] = TileLayout.TileAt(TilePath.EntriesLevel, start + i, size);
                    bundles[i] = await store.ReadTileAsync(paths[i], cancellationToken).ConfigureAwait(false);
                    tiles[i] = await ReadTileAsync(TilePath.Hashes(0, start + i, paths[i].Width)).ConfigureAwait(false);
                }

                Parallel.For(0, n, options, i => results[i] = CheckBundle(paths[i], bundles[i], tiles[i]));
                for (int i = 0; i < n; i++)
                {
                    BundleResult result = results[i];
                    Bundles += result.Decoded ? 1 : 0;
                    Entries += result.Entries;
                    Tiles += result.TileCompared ? 1 : 0;
                    if (result.Discrepancy is not null)
                    {
                        return result.Discrepancy;
                    }

                    if (result.Root is { } root)
                    {
                        LogDiscrepancy? problem = await PushAsync(1, root).ConfigureAwait(false);
                        if (problem is not null)
                        {
                            return problem;
                        }
                    }
                }
            }

            // What is left in the rows are the partial tiles of levels 1 and up.
            for (int level = 1; level <= _rows.Count; level++)
            {
                int count = _counts[level - 1];
                if (count > 0)
                {
                    long index = TileLayout.HashCount(level, size) / TilePath.FullWidth;
                    LogDiscrepancy? problem = await CompareTileAsync(level, index, _rows[level - 1].AsSpan(0, count * MerkleHash.Size).ToArray()).ConfigureAwait(false);
                    if (problem is not null)
                    {
                        return problem;
                    }
                }
            }

            Root = await MerkleProof.RootAsync(new TileHashReader(store, size), size, cancellationToken).ConfigureAwait(false);
            return null;
        }

        /// <summary>Decodes one bundle, checks its entries, rehashes them and compares the level-0 tile; pure, so it may run in parallel.</summary>
        private BundleResult CheckBundle(TilePath bundlePath, ReadOnlyMemory<byte>? bundle, ReadOnlyMemory<byte>? tile)
        {
            if (bundle is not { } bytes)
            {
                return new BundleResult(false, 0, false, null, new LogDiscrepancy(DiscrepancyKind.BundleMissing, bundlePath.ToString(), "The entry bundle is missing."));
            }

            ReadOnlyMemory<byte>[] entries;
            try
            {
                entries = EntryBundle.Decode(bytes, bundlePath.Width);
            }
            catch (LedgerFormatException e)
            {
                return new BundleResult(false, 0, false, null, new LogDiscrepancy(DiscrepancyKind.BundleMalformed, bundlePath.ToString(), $"{e.Message} (byte {e.Position})"));
            }

            byte[] leaves = new byte[entries.Length * MerkleHash.Size];
            for (int i = 0; i < entries.Length; i++)
            {
                if (checkEntries)
                {
                    try
                    {
                        _ = LogEntry.Parse(entries[i].Span);
                    }
                    catch (LedgerFormatException e)
                    {
                        return new BundleResult(true, 0, false, null, new LogDiscrepancy(DiscrepancyKind.EntryMalformed, $"entry {(bundlePath.Index * TilePath.FullWidth) + i}", e.Message));
                    }
                }

                MerkleHasher.HashLeaf(entries[i].Span, leaves.AsSpan(i * MerkleHash.Size, MerkleHash.Size));
            }

            LogDiscrepancy? problem = Compare(0, bundlePath.Index, leaves, tile);
            if (problem is not null)
            {
                return new BundleResult(true, entries.Length, problem.Kind != DiscrepancyKind.TileMissing, null, problem);
            }

            MerkleHash? root = entries.Length == TilePath.FullWidth ? Sequencer.TileRoot(leaves) : null;
            return new BundleResult(true, entries.Length, true, root, null);
        }

        private readonly record struct BundleResult(bool Decoded, int Entries, bool TileCompared, MerkleHash? Root, LogDiscrepancy? Discrepancy);

        private async Task<LogDiscrepancy?> PushAsync(int level, MerkleHash hash)
        {
            while (true)
            {
                if (_rows.Count < level)
                {
                    _rows.Add(new byte[TilePath.FullWidth * MerkleHash.Size]);
                    _counts.Add(0);
                    _completed.Add(0);
                }

                byte[] row = _rows[level - 1];
                hash.CopyTo(row.AsSpan(_counts[level - 1] * MerkleHash.Size));
                _counts[level - 1]++;
                if (_counts[level - 1] < TilePath.FullWidth)
                {
                    return null;
                }

                LogDiscrepancy? problem = await CompareTileAsync(level, _completed[level - 1], row).ConfigureAwait(false);
                if (problem is not null)
                {
                    return problem;
                }

                _counts[level - 1] = 0;
                _completed[level - 1]++;
                hash = Sequencer.TileRoot(row);
                level++;
            }
        }

        private async Task<LogDiscrepancy?> CompareTileAsync(int level, long index, byte[] expected)
        {
            ReadOnlyMemory<byte>? data = await ReadTileAsync(TilePath.Hashes(level, index, expected.Length / MerkleHash.Size)).ConfigureAwait(false);
            LogDiscrepancy? problem = Compare(level, index, expected, data);
            Tiles += problem?.Kind == DiscrepancyKind.TileMissing ? 0 : 1;
            return problem;
        }

        /// <summary>Reads a hash tile; a missing partial tile is read from its full tile (tlog-tiles lets logs delete partial tiles).</summary>
        private async Task<ReadOnlyMemory<byte>?> ReadTileAsync(TilePath path)
        {
            ReadOnlyMemory<byte>? data = await store.ReadTileAsync(path, cancellationToken).ConfigureAwait(false);
            if (data is null && !path.IsFull)
            {
                ReadOnlyMemory<byte>? full = await store.ReadTileAsync(path.AsFull(), cancellationToken).ConfigureAwait(false);
                if (full is { Length: TilePath.FullWidth * MerkleHash.Size } f)
                {
                    data = f[..(path.Width * MerkleHash.Size)];
                }
            }

            return data;
        }

        private static LogDiscrepancy? Compare(int level, long index, byte[] expected, ReadOnlyMemory<byte>? data)
        {
            TilePath path = TilePath.Hashes(level, index, expected.Length / MerkleHash.Size);
            if (data is not { } bytes)
            {
                return new LogDiscrepancy(DiscrepancyKind.TileMissing, path.ToString(), "The hash tile is missing.");
            }

            if (bytes.Length != expected.Length)
            {
                return new LogDiscrepancy(DiscrepancyKind.TileLength, path.ToString(), $"The tile has {bytes.Length} bytes instead of {expected.Length}.");
            }

            ReadOnlySpan<byte> actual = bytes.Span;
            if (actual.SequenceEqual(expected))
            {
                return null;
            }

            for (int i = 0; i < expected.Length; i += MerkleHash.Size)
            {
                if (!actual.Slice(i, MerkleHash.Size).SequenceEqual(expected.AsSpan(i, MerkleHash.Size)))
                {
                    int hashIndex = i / MerkleHash.Size;
                    long first = ((index * TilePath.FullWidth) + hashIndex) << (8 * level);
                    return new LogDiscrepancy(DiscrepancyKind.TileMismatch, path.ToString(),
                        $"Hash {hashIndex} (the subtree of 2^{8 * level} entries from entry {first}) is {Convert.ToBase64String(actual.Slice(i, MerkleHash.Size))}, "
                        + $"the entries give {Convert.ToBase64String(expected.AsSpan(i, MerkleHash.Size))}.");
                }
            }

            return null;
        }
    }
}
