namespace Detente.Patterns.Indexing;

/// <summary>Receives the patterns an <see cref="AhoCorasick"/> scan finds.</summary>
internal interface IPatternReporter
{
    public void Report(int pattern);
}

/// <summary>
/// An Aho–Corasick automaton over bytes: one pass over a text finds every occurrence of every pattern, in time
/// linear in the text plus the occurrences, whatever the number of patterns.
/// </summary>
/// <remarks>
/// <para>Built once from a set of distinct, non-empty byte strings (rebuilt, never edited: see
/// <see cref="SubstringPrefilter"/> for how additions and removals are batched).</para>
/// <para>Layout for cache use: the root's 256 transitions are a dense row (most bytes of a text leave the root at
/// once); every other state keeps its transitions as a sorted run of (byte, target) in two flat arrays, numbered in
/// breadth-first order, so a state's children are contiguous. A state costs about 21 bytes. Failure links move to
/// the longest proper suffix in the trie; dictionary links skip straight to the next suffix that ends a pattern.
/// Bench: Patterns/IndexPrefilterBenchmarks.PrefilterCandidates.</para>
/// </remarks>
internal sealed class AhoCorasick
{
    private static readonly byte[] s_fold = BuildFold();

    private readonly int[] _root = new int[256];
    private readonly int[] _edgeStart;   // per state; the edges of state s are [_edgeStart[s], _edgeStart[s + 1])
    private readonly byte[] _edgeByte;
    private readonly int[] _edgeTarget;
    private readonly int[] _fail;
    private readonly int[] _output;      // the pattern that ends at the state, or -1
    private readonly int[] _dictionary;  // the nearest state on the failure chain that ends a pattern, or -1

    private AhoCorasick(int states, int edges)
    {
        _edgeStart = new int[states + 1];
        _edgeByte = new byte[edges];
        _edgeTarget = new int[edges];
        _fail = new int[states];
        _output = new int[states];
        _dictionary = new int[states];
        StateCount = states;
    }

    /// <summary>The number of states, the root included.</summary>
    public int StateCount { get; }

    /// <summary>The bytes the automaton holds.</summary>
    public long MemoryBytes => (_root.Length * 4L) + (StateCount * 17L) + (_edgeByte.Length * 5L) + 200;

    /// <summary>Builds the automaton of <paramref name="patterns"/>; pattern <c>i</c> is reported as <c>i</c>.</summary>
    /// <exception cref="ArgumentException">A pattern is empty or appears twice.</exception>
    public static AhoCorasick Build(IReadOnlyList<byte[]> patterns)
    {
        // 1. A trie, inserting the patterns in sorted order so that each shares the path of the one before it and
        //    every state's children are created in increasing byte order.
        int[] order = new int[patterns.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => patterns[a].AsSpan().SequenceCompareTo(patterns[b]));
        var trie = new Trie(1 + patterns.Sum(static p => p.Length));
        int[] path = new int[1 + patterns.Max(static p => (int?)p.Length) ?? 1];
        byte[] previous = [];
        foreach (int id in order)
        {
            byte[] pattern = patterns[id];
            if (pattern.Length == 0)
            {
                throw new ArgumentException("A pattern is empty.", nameof(patterns));
            }

            int shared = pattern.AsSpan().CommonPrefixLength(previous);
            if (shared == pattern.Length && shared == previous.Length)
            {
                throw new ArgumentException("A pattern appears twice.", nameof(patterns));
            }

            for (int depth = shared; depth < pattern.Length; depth++)
            {
                path[depth + 1] = trie.AddChild(path[depth], pattern[depth]);
            }

            trie.Output[path[pattern.Length]] = id;
            previous = pattern;
        }

        // 2. Breadth-first numbering: children of a state become contiguous, sorted by byte.
        var automaton = new AhoCorasick(trie.Count, trie.Count - 1);
        int[] newId = new int[trie.Count];
        int[] queue = new int[trie.Count];
        int head = 0;
        int tail = 1; // queue[0] is the root (old id 0, new id 0)
        int edge = 0;
        while (head < tail)
        {
            int old = queue[head];
            int state = head++;
            automaton._edgeStart[state] = edge;
            automaton._output[state] = trie.Output[old];
            for (int child = trie.FirstChild[old]; child != 0; child = trie.NextSibling[child])
            {
                newId[child] = tail;
                queue[tail++] = child;
                automaton._edgeByte[edge] = trie.Byte[child];
                automaton._edgeTarget[edge] = newId[child];
                edge++;
            }
        }

        automaton._edgeStart[trie.Count] = edge;
        for (int e = automaton._edgeStart[0]; e < automaton._edgeStart[1]; e++)
        {
            automaton._root[automaton._edgeByte[e]] = automaton._edgeTarget[e];
        }

        // 3. Failure and dictionary links, in breadth-first order (a state's links only use shallower states).
        automaton._dictionary[0] = -1;
        for (int state = 0; state < trie.Count; state++)
        {
            for (int e = automaton._edgeStart[state]; e < automaton._edgeStart[state + 1]; e++)
            {
                int child = automaton._edgeTarget[e];
                int fail = 0;
                if (state != 0)
                {
                    int f = automaton._fail[state];
                    byte b = automaton._edgeByte[e];
                    while (true)
                    {
                        if (f == 0)
                        {
                            fail = automaton._root[b];
                            break;
                        }

                        int next = automaton.Next(f, b);
                        if (next >= 0)
                        {
                            fail = next;
                            break;
                        }

                        f = automaton._fail[f];
                    }
                }

                automaton._fail[child] = fail;
                automaton._dictionary[child] = automaton._output[fail] >= 0 ? fail : automaton._dictionary[fail];
            }
        }

        return automaton;
    }

    /// <summary>Reports every pattern occurrence in <paramref name="text"/> (a pattern once per end position).</summary>
    /// <param name="text">The bytes to scan.</param>
    /// <param name="foldAsciiCase">Read the text with ASCII upper-case letters lowered (for lower-case patterns).</param>
    /// <param name="reporter">Receives each pattern id.</param>
    public void Scan<TReporter>(ReadOnlySpan<byte> text, bool foldAsciiCase, ref TReporter reporter)
        where TReporter : struct, IPatternReporter
    {
        int state = 0;
        int[] root = _root;
        int[] fail = _fail;
        int[] output = _output;
        int[] dictionary = _dictionary;
        byte[] fold = s_fold;
        foreach (byte raw in text)
        {
            byte b = foldAsciiCase ? fold[raw] : raw;
            while (true)
            {
                if (state == 0)
                {
                    state = root[b];
                    break;
                }

                int next = Next(state, b);
                if (next >= 0)
                {
                    state = next;
                    break;
                }

                state = fail[state];
            }

            for (int s = output[state] >= 0 ? state : dictionary[state]; s > 0; s = dictionary[s])
            {
                reporter.Report(output[s]);
            }
        }
    }

    private int Next(int state, byte b)
    {
        int lo = _edgeStart[state];
        int hi = _edgeStart[state + 1];
        if (hi - lo <= 8)
        {
            for (int e = lo; e < hi; e++)
            {
                if (_edgeByte[e] == b)
                {
                    return _edgeTarget[e];
                }
            }

            return -1;
        }

        hi--;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            byte m = _edgeByte[mid];
            if (m == b)
            {
                return _edgeTarget[mid];
            }

            if (m < b)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    private static byte[] BuildFold()
    {
        byte[] fold = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            fold[i] = (byte)(i is >= 'A' and <= 'Z' ? i + 32 : i);
        }

        return fold;
    }

    /// <summary>The trie before numbering: first-child / next-sibling lists.</summary>
    private sealed class Trie
    {
        public Trie(int capacity)
        {
            FirstChild = new int[capacity];
            LastChild = new int[capacity];
            NextSibling = new int[capacity];
            Byte = new byte[capacity];
            Output = new int[capacity];
            Output[0] = -1;
            Count = 1;
        }

        public int[] FirstChild { get; }

        public int[] LastChild { get; }

        public int[] NextSibling { get; }

        public byte[] Byte { get; }

        public int[] Output { get; }

        public int Count { get; private set; }

        public int AddChild(int parent, byte b)
        {
            int child = Count++;
            Byte[child] = b;
            Output[child] = -1;
            if (FirstChild[parent] == 0)
            {
                FirstChild[parent] = child;
            }
            else
            {
                NextSibling[LastChild[parent]] = child;
            }

            LastChild[parent] = child;
            return child;
        }
    }
}
