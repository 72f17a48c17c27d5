using CsCheck;
using Detente.Patterns.Indexing;
using Detente.Testing;

namespace Detente.Patterns.Tests.Indexing;

public sealed class IpIndexTests
{
    [Fact]
    public void An_equal_entry_matches_the_same_address_only()
    {
        var index = new IpIndex();
        index.Add(IpPrefix.Parse("198.51.100.7"), 1, IpMatch.Equal);
        Assert.Equal([1], Lookup(index, "198.51.100.7"));
        Assert.Empty(Lookup(index, "198.51.100.8"));
        Assert.Empty(Lookup(index, "198.51.100.0/24"));
    }

    [Fact]
    public void A_subset_entry_matches_addresses_and_blocks_inside_it()
    {
        var index = new IpIndex();
        index.Add(IpPrefix.Parse("198.51.100.0/24"), 1, IpMatch.Subset);
        Assert.Equal([1], Lookup(index, "198.51.100.7"));
        Assert.Equal([1], Lookup(index, "198.51.100.128/25"));
        Assert.Equal([1], Lookup(index, "198.51.100.0/24"));
        Assert.Empty(Lookup(index, "198.51.0.0/16"));
        Assert.Empty(Lookup(index, "198.51.101.1"));
    }

    [Fact]
    public void An_equal_block_entry_matches_the_same_block_only()
    {
        var index = new IpIndex();
        index.Add(IpPrefix.Parse("198.51.100.0/24"), 1, IpMatch.Equal);
        Assert.Equal([1], Lookup(index, "198.51.100.0/24"));
        Assert.Empty(Lookup(index, "198.51.100.7"));
    }

    [Fact]
    public void The_per_length_filter_skips_other_slash_20_blocks_and_keeps_working_after_removals()
    {
        var index = new IpIndex();
        for (int i = 0; i < 5000; i++)
        {
            // Enough entries of /24 and /32 in 100.64.0.0/10 that both lengths get a filter.
            index.Add(new IpPrefix(IpAddress.FromV4(0x64400000u + ((uint)i << 8)), 24), 100 + i, IpMatch.Subset);
            index.Add(IpPrefix.FromAddress(IpAddress.FromV4(0x64400000u + ((uint)i << 8) + 1)), 10_000 + i, IpMatch.Equal);
        }

        Assert.Equal([100, 10_000], Lookup(index, "100.64.0.1"));
        index.Add(IpPrefix.Parse("198.51.100.0/24"), 1, IpMatch.Subset);  // /20 block 198.51.96.0
        index.Add(IpPrefix.Parse("198.51.111.255"), 2, IpMatch.Equal);    // same /20, other /24
        index.Add(IpPrefix.Parse("203.0.113.16/28"), 3, IpMatch.Subset);
        Assert.Equal([1], Lookup(index, "198.51.100.200"));
        Assert.Equal([2], Lookup(index, "198.51.111.255"));
        Assert.Empty(Lookup(index, "198.51.112.1"));                       // the next /20: filtered out
        Assert.Equal([3], Lookup(index, "203.0.113.31"));
        Assert.Empty(Lookup(index, "203.0.113.32"));

        // A removed entry leaves its bit set: the lookup probes and finds nothing, and other entries still match.
        Assert.True(index.Remove(IpPrefix.Parse("198.51.100.0/24"), 1, IpMatch.Subset));
        index.Add(IpPrefix.Parse("10.0.0.0/24"), 4, IpMatch.Subset);
        Assert.Empty(Lookup(index, "198.51.100.200"));
        Assert.Equal([4], Lookup(index, "10.0.0.1"));

        // An entry added to a filtered length sets its bit at once.
        Assert.True(index.Remove(IpPrefix.Parse("10.0.0.0/24"), 4, IpMatch.Subset));
        index.Add(IpPrefix.Parse("192.0.2.0/24"), 5, IpMatch.Subset);
        Assert.Empty(Lookup(index, "10.0.0.1"));
        Assert.Equal([5], Lookup(index, "192.0.2.9"));
    }

    [Fact]
    public void Slash_zero_holds_every_address_of_its_family_only()
    {
        var index = new IpIndex();
        index.Add(IpPrefix.Parse("0.0.0.0/0"), 4, IpMatch.Subset);
        index.Add(IpPrefix.Parse("::/0"), 6, IpMatch.Subset);
        Assert.Equal([4], Lookup(index, "255.255.255.255"));
        Assert.Equal([4], Lookup(index, "0.0.0.0"));
        Assert.Equal([6], Lookup(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        Assert.Equal([6], Lookup(index, "::ffff:1.2.3.4"));
    }

    [Fact]
    public void Slash_32_and_slash_128_subsets_are_single_addresses()
    {
        var index = new IpIndex();
        index.Add(IpPrefix.Parse("192.0.2.1/32"), 1, IpMatch.Subset);
        index.Add(IpPrefix.Parse("2001:db8::1/128"), 2, IpMatch.Subset);
        Assert.Equal([1], Lookup(index, "192.0.2.1"));
        Assert.Empty(Lookup(index, "192.0.2.2"));
        Assert.Equal([2], Lookup(index, "2001:db8::1"));
        Assert.Empty(Lookup(index, "2001:db8::2"));
    }

    [Fact]
    public void Ipv4_mapped_addresses_do_not_match_ipv4_entries()
    {
        var index = new IpIndex();
        index.Add(IpPrefix.Parse("10.0.0.0/8"), 1, IpMatch.Subset);
        index.Add(IpPrefix.Parse("::ffff:10.0.0.0/104"), 2, IpMatch.Subset);
        Assert.Equal([2], Lookup(index, "::ffff:10.1.2.3"));
        Assert.Equal([1], Lookup(index, "10.1.2.3"));
        Assert.Equal([1], Lookup(index, IpAddress.Parse("::ffff:10.1.2.3").Unmap().ToString()));
    }

    [Fact]
    public void Several_entries_share_a_block_and_are_removed_one_by_one()
    {
        var index = new IpIndex();
        IpPrefix block = IpPrefix.Parse("203.0.113.0/24");
        Assert.True(index.Add(block, 3, IpMatch.Subset));
        Assert.True(index.Add(block, 1, IpMatch.Subset));
        Assert.True(index.Add(block, 2, IpMatch.Equal));
        Assert.False(index.Add(block, 1, IpMatch.Subset));
        Assert.Equal([1, 3], Lookup(index, "203.0.113.9"));
        Assert.Equal([1, 2, 3], Lookup(index, "203.0.113.0/24"));
        Assert.True(index.Remove(block, 3, IpMatch.Subset));
        Assert.False(index.Remove(block, 3, IpMatch.Subset));
        Assert.False(index.Remove(block, 2, IpMatch.Subset));
        Assert.Equal([1], Lookup(index, "203.0.113.9"));
        Assert.True(index.Remove(block, 1, IpMatch.Subset));
        Assert.True(index.Remove(block, 2, IpMatch.Equal));
        Assert.Equal(0, index.Count);
        Assert.Empty(Lookup(index, "203.0.113.0/24"));
    }

    [Fact]
    public void Entry_ids_out_of_range_are_refused()
    {
        var index = new IpIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(IpPrefix.Parse("1.2.3.4"), -1, IpMatch.Equal));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(IpPrefix.Parse("1.2.3.4"), IndexEntry.MaxId + 1, IpMatch.Equal));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(IpPrefix.Parse("1.2.3.4"), 1, (IpMatch)7));
        Assert.True(index.Add(IpPrefix.Parse("1.2.3.4"), IndexEntry.MaxId, IpMatch.Subset));
        Assert.Equal([IndexEntry.MaxId], Lookup(index, "1.2.3.4"));
    }

    [Fact]
    public void Lookups_agree_with_a_naive_model_under_random_adds_and_removes()
    {
        Property.ForAll(Gen.Int.Array[1, 400], script =>
        {
            var index = new IpIndex();
            var model = new List<(IpPrefix Block, int Entry, IpMatch Match)>();
            var random = new Random(script[0]);
            foreach (int step in script)
            {
                int op = (step & int.MaxValue) % 10;
                IpPrefix block = RandomBlock(random);
                if (op < 5)
                {
                    int entry = random.Next(40);
                    IpMatch match = random.Next(2) == 0 ? IpMatch.Equal : IpMatch.Subset;
                    bool expected = !model.Contains((block, entry, match));
                    Assert.Equal(expected, index.Add(block, entry, match));
                    if (expected)
                    {
                        model.Add((block, entry, match));
                    }
                }
                else if (op < 7 && model.Count > 0)
                {
                    (IpPrefix Block, int Entry, IpMatch Match) victim = model[random.Next(model.Count)];
                    Assert.True(index.Remove(victim.Block, victim.Entry, victim.Match));
                    model.Remove(victim);
                    Assert.False(index.Remove(victim.Block, victim.Entry, victim.Match));
                }
                else
                {
                    var hits = new HitBuffer();
                    index.Lookup(block, hits);
                    int[] expected = model
                        .Where(t => t.Match == IpMatch.Equal ? t.Block == block : t.Block.Contains(block))
                        .Select(t => t.Entry).Order().ToArray();
                    Assert.Equal(expected, hits.AsSpan().ToArray().Order().ToArray());
                }

                Assert.Equal(model.Count, index.Count);
            }
        }, iterations: 300);
    }

    private static IpPrefix RandomBlock(Random random)
    {
        // A small universe so that blocks nest and collide often.
        if (random.Next(2) == 0)
        {
            uint bits = (uint)random.Next(4) << 30 | (uint)random.Next(4) << 8 | (uint)random.Next(2);
            int length = random.Next(5) switch { 0 => 0, 1 => 2, 2 => 24, 3 => 30, _ => 32 };
            return new IpPrefix(IpAddress.FromV4(bits), length);
        }

        UInt128 v6 = (UInt128)(uint)random.Next(4) << 126 | (UInt128)(uint)random.Next(4) << 64 | (uint)random.Next(2);
        int length6 = random.Next(5) switch { 0 => 0, 1 => 2, 2 => 64, 3 => 127, _ => 128 };
        return new IpPrefix(IpAddress.FromV6(v6), length6);
    }

    private static int[] Lookup(IpIndex index, string value)
    {
        var hits = new HitBuffer();
        index.Lookup(IpPrefix.Parse(value), hits);
        return hits.AsSpan().ToArray();
    }
}
