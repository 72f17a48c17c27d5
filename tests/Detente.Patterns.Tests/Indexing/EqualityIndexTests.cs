using System.Text;
using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class EqualityIndexTests
{
    [Fact]
    public void Keys_compare_byte_for_byte()
    {
        var index = new Utf8EqualityIndex();
        index.Add("evil.example"u8, 1);
        Assert.Equal([1], Lookup(index, "evil.example"));
        Assert.Empty(Lookup(index, "EVIL.example"));
        Assert.Empty(Lookup(index, "evil.example."));
        Assert.Empty(Lookup(index, "evil.exampl"));
        Assert.Empty(Lookup(index, ""));
    }

    [Fact]
    public void The_empty_key_is_a_key()
    {
        var index = new Utf8EqualityIndex();
        Assert.True(index.Add([], 5));
        Assert.Equal([5], Lookup(index, ""));
        Assert.True(index.Remove([], 5));
        Assert.Empty(Lookup(index, ""));
    }

    [Fact]
    public void Several_entries_per_key_come_back_in_ascending_order()
    {
        var index = new Utf8EqualityIndex();
        Assert.True(index.Add("k"u8, 9));
        Assert.True(index.Add("k"u8, 2));
        Assert.True(index.Add("k"u8, 5));
        Assert.False(index.Add("k"u8, 5));
        Assert.Equal([2, 5, 9], Lookup(index, "k"));
        Assert.Equal(1, index.KeyCount);
        Assert.Equal(3, index.Count);
        Assert.True(index.Remove("k"u8, 2));
        Assert.True(index.Remove("k"u8, 9));
        Assert.Equal([5], Lookup(index, "k"));
        Assert.False(index.Remove("k"u8, 9));
    }

    [Fact]
    public void A_key_over_the_limit_is_refused()
    {
        var index = new Utf8EqualityIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(new byte[Utf8EqualityIndex.MaxKeyBytes + 1], 1));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Lookups_agree_with_a_naive_model_under_random_adds_and_removes()
    {
        Property.ForAll(Gen.Int.Array[1, 600], script =>
        {
            var index = new Utf8EqualityIndex();
            var model = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
            var random = new Random(script[0]);
            foreach (int step in script)
            {
                string key = RandomKey(random);
                byte[] bytes = Encoding.UTF8.GetBytes(key);
                int op = (step & int.MaxValue) % 10;
                if (op < 5)
                {
                    int entry = random.Next(20);
                    bool expected = !model.TryGetValue(key, out SortedSet<int>? set) || !set.Contains(entry);
                    Assert.Equal(expected, index.Add(bytes, entry));
                    (model.TryGetValue(key, out set) ? set : model[key] = []).Add(entry);
                }
                else if (op < 8)
                {
                    int entry = random.Next(20);
                    bool expected = model.TryGetValue(key, out SortedSet<int>? set) && set.Remove(entry);
                    if (set is { Count: 0 })
                    {
                        model.Remove(key);
                    }

                    Assert.Equal(expected, index.Remove(bytes, entry));
                }
                else
                {
                    var hits = new HitBuffer();
                    bool found = index.Lookup(bytes, hits);
                    Assert.Equal(model.ContainsKey(key), found);
                    Assert.Equal(model.TryGetValue(key, out SortedSet<int>? set) ? set.ToArray() : [], hits.AsSpan().ToArray());
                }

                Assert.Equal(model.Count, index.KeyCount);
                Assert.Equal(model.Values.Sum(s => s.Count), index.Count);
            }
        }, iterations: 300);
    }

    [Fact]
    public void Many_removals_compact_the_key_arena_and_keep_every_key()
    {
        var index = new Utf8EqualityIndex();
        for (int i = 0; i < 20_000; i++)
        {
            index.Add(Encoding.UTF8.GetBytes($"https://host-{i}.example/path/{i * 7}"), i);
        }

        long full = index.MemoryBytes;
        for (int i = 0; i < 20_000; i++)
        {
            if (i % 10 != 0)
            {
                Assert.True(index.Remove(Encoding.UTF8.GetBytes($"https://host-{i}.example/path/{i * 7}"), i));
            }
        }

        Assert.Equal(2_000, index.Count);
        Assert.True(index.MemoryBytes < full / 4, $"{index.MemoryBytes} of {full} bytes kept");
        for (int i = 0; i < 20_000; i++)
        {
            var hits = new HitBuffer();
            index.Lookup(Encoding.UTF8.GetBytes($"https://host-{i}.example/path/{i * 7}"), hits);
            Assert.Equal(i % 10 == 0 ? [i] : [], hits.AsSpan().ToArray());
        }
    }

    [Fact]
    public void Integer_lookups_agree_with_a_naive_model_under_random_adds_and_removes()
    {
        Property.ForAll(Gen.Int.Array[1, 600], script =>
        {
            var index = new Int64EqualityIndex();
            var model = new HashSet<(long, int)>();
            var random = new Random(script[0]);
            foreach (int step in script)
            {
                long key = random.Next(3) == 0 ? random.NextInt64() : random.Next(30) - 5;
                int entry = random.Next(10);
                switch ((step & int.MaxValue) % 3)
                {
                    case 0:
                        Assert.Equal(model.Add((key, entry)), index.Add(key, entry));
                        break;
                    case 1:
                        Assert.Equal(model.Remove((key, entry)), index.Remove(key, entry));
                        break;
                    default:
                        var hits = new HitBuffer();
                        index.Lookup(key, hits);
                        Assert.Equal(model.Where(p => p.Item1 == key).Select(p => p.Item2).Order().ToArray(), hits.AsSpan().ToArray());
                        break;
                }

                Assert.Equal(model.Count, index.Count);
            }
        }, iterations: 200);
    }

    private static string RandomKey(Random random) => random.Next(6) switch
    {
        0 => "",
        1 => new string('a', random.Next(1, 20)),
        2 => $"host{random.Next(8)}.example",
        3 => $"é{random.Next(8)}\U0001F600",
        4 => Convert.ToHexStringLower(BitConverter.GetBytes(random.Next(8))),
        _ => $"https://{random.Next(4)}.example/{new string('x', random.Next(40))}",
    };

    private static int[] Lookup(Utf8EqualityIndex index, string key)
    {
        var hits = new HitBuffer();
        index.Lookup(Encoding.UTF8.GetBytes(key), hits);
        return hits.AsSpan().ToArray();
    }
}
