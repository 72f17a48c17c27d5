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
/// once); every other state is a 16-byte record (edges, failure, output, dictionary link) with its transitions as a
/// sorted run of 8-byte (target, byte) pairs, numbered in breadth-first order so that a state's children are
/// contiguous: a step reads one record and one run. A state costs about 24 bytes. Failure links move to
/// the longest proper suffix in the trie; dictionary links skip straight to the next suffix that ends a pattern.
/// Bench: Patterns/IndexPrefilterBenchmarks.PrefilterCandidates.</para>
/// </remarks>
internal sealed class AhoCorasick
{
    private static readonly byte[] s_fold = BuildFold();

    private readonly int[] _root = new int[256];
    private readonly State[] _states;    // one more than the states: the edges of s are [_states[s].EdgeStart, _states[s + 1].EdgeStart)
    private readonly Edge[] _edges;

    private AhoCorasick(int states, int edges)
    {
        _states = new State[states + 1];
        _edges = new Edge[edges];
        StateCount = states;
    }

    /// <summary>The number of states, the root included.</summary>
    public int StateCount { get; }

    /// <summary>The bytes the automaton holds.</summary>
    public long MemoryBytes => (_root.Length * 4L) + (_states.Length * 16L) + (_edges.Length * 8L) + 200;

    /// <summary>Builds the automaton of <paramref name="patterns"/>; pattern <c>i</c> is reported as <c>i</c>.</summary>
    /// <exception cref="ArgumentException">A pattern is empty or appears twice.</exception>
    public static AhoCorasick Build(IReadOnlyList<byte[]> patterns)
    {
        int[] order = new int[patterns.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => patterns[a].AsSpan().SequenceCompareTo(patterns[b]));
        return Build(patterns, order);
    }

    /// <summary>Builds the automaton of <paramref name="patterns"/>, already sorted (ordinal), distinct and non-empty.</summary>
    /// <exception cref="ArgumentException">A pattern is empty, appears twice, or is out of order.</exception>
    public static AhoCorasick BuildSorted(IReadOnlyList<byte[]> patterns)
    {
        int[] order = new int[patterns.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        return Build(patterns, order);
    }

    private static AhoCorasick Build(IReadOnlyList<byte[]> patterns, int[] order)
    {
        // 1. A trie, inserting the patterns in sorted order so that each shares the path of the one before it and
        //    every state's children are created in increasing byte order.
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

            if (pattern.AsSpan().SequenceCompareTo(previous) < 0)
            {
                throw new ArgumentException("The patterns are not sorted.", nameof(patterns));
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
            automaton._states[state].EdgeStart = edge;
            automaton._states[state].Output = trie.Output[old];
            for (int child = trie.FirstChild[old]; child != 0; child = trie.NextSibling[child])
            {
                newId[child] = tail;
                queue[tail++] = child;
                automaton._edges[edge] = new Edge(newId[child], trie.Byte[child]);
                edge++;
            }
        }

        automaton._states[trie.Count].EdgeStart = edge;
        for (int e = automaton._states[0].EdgeStart; e < automaton._states[1].EdgeStart; e++)
        {
            automaton._root[automaton._edges[e].Byte] = automaton._edges[e].Target;
        }

        // 3. Failure and dictionary links, in breadth-first order (a state's links only use shallower states).
        State[] states = automaton._states;
        states[0].Dictionary = -1;
        for (int state = 0; state < trie.Count; state++)
        {
            for (int e = states[state].EdgeStart; e < states[state + 1].EdgeStart; e++)
            {
                int child = automaton._edges[e].Target;
                int fail = 0;
                if (state != 0)
                {
                    int f = states[state].Fail;
                    byte b = automaton._edges[e].Byte;
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

                        f = states[f].Fail;
                    }
                }

                states[child].Fail = fail;
                states[child].Dictionary = states[fail].Output >= 0 ? fail : states[fail].Dictionary;
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
        State[] states = _states;
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

                state = states[state].Fail;
            }

            ref State current = ref states[state];
            for (int s = current.Output >= 0 ? state : current.Dictionary; s > 0; s = states[s].Dictionary)
            {
                reporter.Report(states[s].Output);
            }
        }
    }

    private int Next(int state, byte b)
    {
        int lo = _states[state].EdgeStart;
        int hi = _states[state + 1].EdgeStart;
        Edge[] edges = _edges;
        if (hi - lo <= 8)
        {
            for (int e = lo; e < hi; e++)
            {
                if (edges[e].Byte == b)
                {
                    return edges[e].Target;
                }
            }

            return -1;
        }

        hi--;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            byte m = edges[mid].Byte;
            if (m == b)
            {
                return edges[mid].Target;
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

    /// <summary>One state, 16 bytes: what a step needs sits in one cache line.</summary>
    private struct State
    {
        public int EdgeStart;
        public int Fail;
        public int Output;      // the pattern that ends at the state, or -1
        public int Dictionary;  // the nearest state on the failure chain that ends a pattern, or -1
    }

    /// <summary>A transition: 8 bytes, eight to a cache line.</summary>
    private readonly record struct Edge(int Target, byte Byte);

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
