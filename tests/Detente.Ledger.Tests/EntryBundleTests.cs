using CsCheck;
using Detente.Ledger.Tiles;
using Detente.Testing;

namespace Detente.Ledger.Tests;

public sealed class EntryBundleTests
{
    [Fact]
    public void A_bundle_is_big_endian_uint16_lengths_and_the_entries()
    {
        byte[] bundle = EntryBundle.Encode([new byte[] { 0xAA }, Array.Empty<byte>(), new byte[300]]);
        Assert.Equal([0x00, 0x01, 0xAA, 0x00, 0x00, 0x01, 0x2C], bundle[..7]);
        Assert.Equal(7 + 300, bundle.Length);
    }

    [Fact]
    public void Bundles_roundtrip_for_any_entries()
    {
        var entries = Gen.Byte.Array[0, 600].Array[0, 256];
        Property.ForAll(entries, list =>
        {
            byte[] bundle = EntryBundle.Encode(list.Select(static e => (ReadOnlyMemory<byte>)e).ToArray());
            ReadOnlyMemory<byte>[] decoded = EntryBundle.Decode(bundle, list.Length);
            Assert.Equal(list.Length, decoded.Length);
            for (int i = 0; i < list.Length; i++)
            {
                Assert.Equal(list[i], decoded[i].ToArray());
            }
        }, iterations: 200);
    }

    [Fact]
    public void A_bundle_with_the_wrong_count_or_a_bad_length_is_refused()
    {
        byte[] bundle = EntryBundle.Encode([new byte[] { 1, 2, 3 }, new byte[] { 4 }]);
        Assert.Throws<LedgerFormatException>(() => EntryBundle.Decode(bundle, 1)); // bytes left over
        Assert.Throws<LedgerFormatException>(() => EntryBundle.Decode(bundle, 3)); // ends early
        Assert.Throws<LedgerFormatException>(() => EntryBundle.Decode(bundle[..^1], 2)); // truncated entry
        Assert.Throws<LedgerFormatException>(() => EntryBundle.Decode(bundle[..1], 1)); // truncated length
        Assert.Throws<LedgerFormatException>(() => EntryBundle.Decode(bundle.Append((byte)0).ToArray(), 2));
        Assert.Throws<ArgumentException>(() => EntryBundle.Encode([new byte[65536]]));
        Assert.Throws<ArgumentException>(() => EntryBundle.Encode(Enumerable.Repeat((ReadOnlyMemory<byte>)new byte[1], 257).ToArray()));
    }

    [Fact]
    public void Any_single_bit_change_to_a_bundle_changes_its_entries_or_is_refused()
    {
        byte[][] entries = Enumerable.Range(0, 40).Select(static i => TestLog.EntryBytes(i)).ToArray();
        byte[] bundle = EntryBundle.Encode(entries.Select(static e => (ReadOnlyMemory<byte>)e).ToArray());
        for (int bit = 0; bit < bundle.Length * 8; bit++)
        {
            byte[] changed = (byte[])bundle.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            try
            {
                ReadOnlyMemory<byte>[] decoded = EntryBundle.Decode(changed, entries.Length);
                Assert.False(decoded.Select(static d => d.ToArray()).Zip(entries).All(static p => p.First.AsSpan().SequenceEqual(p.Second)));
            }
            catch (LedgerFormatException)
            {
            }
        }
    }
}
