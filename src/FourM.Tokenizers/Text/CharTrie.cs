using System.Runtime.CompilerServices;

namespace FourM.Tokenizers.Text;

/// <summary>
/// An immutable character trie for allocation-free longest-match walks. The root's children sit in a table indexed by
/// UTF-16 unit (every scan position starts there); other nodes keep their children in sorted runs of flat arrays.
/// </summary>
internal sealed class CharTrie
{
    private const int Root = 0;
    private readonly int[] _rootChildren = new int[char.MaxValue + 1];
    private readonly int[] _childStart;
    private readonly char[] _childChars;
    private readonly int[] _childNodes;
    private readonly int[] _values;

    private CharTrie(int nodeCount, List<(int Parent, char Char, int Child)> edges, int[] values)
    {
        _values = values;
        edges.Sort((a, b) => a.Parent != b.Parent ? a.Parent.CompareTo(b.Parent) : a.Char.CompareTo(b.Char));
        _childStart = new int[nodeCount + 1];
        _childChars = new char[edges.Count];
        _childNodes = new int[edges.Count];
        for (int i = 0; i < edges.Count; i++)
        {
            var (parent, c, child) = edges[i];
            _childChars[i] = c;
            _childNodes[i] = child;
            _childStart[parent + 1]++;
            if (parent == Root) _rootChildren[c] = child;
        }
        for (int n = 0; n < nodeCount; n++) _childStart[n + 1] += _childStart[n];
    }

    /// <summary>The node reached from the root by <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<char> key)
    {
        int node = Root;
        foreach (char c in key)
            if (!TryStep(ref node, c)) return -1;
        return node;
    }

    /// <summary>Value stored at a node (-1 when no key ends there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ValueAt(int node) => _values[node];

    public static int RootNode => Root;

    /// <summary>Moves <paramref name="node"/> to its child on <paramref name="c"/>; false (node unchanged) when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryStep(ref int node, char c)
    {
        if (node == Root)
        {
            int child = _rootChildren[c];
            if (child == 0) return false;
            node = child;
            return true;
        }
        int lo = _childStart[node], hi = _childStart[node + 1] - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            char m = _childChars[mid];
            if (m == c) { node = _childNodes[mid]; return true; }
            if (m < c) lo = mid + 1; else hi = mid - 1;
        }
        return false;
    }

    /// <summary>Collects keys; a later value for the same key replaces the earlier one.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<long, int> _edges = new();
        private readonly List<int> _values = [-1];

        public void Add(ReadOnlySpan<char> key, int value)
        {
            int node = Root;
            foreach (char c in key)
            {
                long edge = ((long)node << 16) | c;
                if (!_edges.TryGetValue(edge, out int child))
                {
                    child = _values.Count;
                    _values.Add(-1);
                    _edges.Add(edge, child);
                }
                node = child;
            }
            _values[node] = value;
        }

        public CharTrie Build()
        {
            var edges = _edges.Select(e => ((int)(e.Key >> 16), (char)(e.Key & 0xFFFF), e.Value)).ToList();
            return new CharTrie(_values.Count, edges, _values.ToArray());
        }
    }
}
