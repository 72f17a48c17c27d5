using System.Security.Cryptography;
using CsCheck;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Storage.Tests;

public sealed class CursorCodecTests
{
    private const string Base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly CursorCodec s_codec = new(RandomNumberGenerator.GetBytes(32));
    private static readonly Guid s_collection = Guid.NewGuid();

    private static readonly Gen<ObjectFilter> s_filter = Gen.Select(
        Gen.Int[0, 3], Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz-"], 1, 12].Array[0, 3], Gen.Bool, Gen.Long[0, 1L << 50],
        (versions, types, spec, after) => new ObjectFilter
        {
            Types = types,
            Versions = versions switch { 0 => VersionFilter.Last, 1 => VersionFilter.First, 2 => VersionFilter.All, _ => VersionFilter.Last with { IncludeFirst = true } },
            SpecVersions = spec ? ["2.1"] : [],
            AddedAfter = after % 3 == 0 ? null : StixTimestamp.FromDateTimeOffset(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(after % (1L << 40)), 7),
        });

    [Fact]
    public void A_cursor_decodes_to_the_position_it_was_made_from()
    {
        Property.ForAll(Gen.Select(s_filter, Gen.Long[0, DateTimeOffset.MaxValue.UtcTicks / 10]), c =>
        {
            (ObjectFilter filter, long micros) = c;
            DateTimeOffset position = new(micros * 10, TimeSpan.Zero);
            string cursor = s_codec.Encode(s_collection, filter, position);

            Assert.Equal(34, cursor.Length);
            Assert.Equal(CursorStatus.Valid, s_codec.TryDecode(cursor, s_collection, filter, out DateTimeOffset decoded));
            Assert.Equal(position, decoded);
        });
    }

    [Fact]
    public void Any_text_is_refused_without_an_exception()
    {
        Gen<string> texts = Gen.OneOf(
            Gen.String[Gen.Char[Base64Url], 0, 40],
            Gen.String[Gen.Char, 0, 40],
            Gen.String[Gen.Char[Base64Url + "=+/ "], 34, 34]);
        Property.ForAll(texts, text =>
        {
            CursorStatus status = s_codec.TryDecode(text, s_collection, ObjectFilter.None, out DateTimeOffset after);
            Assert.NotEqual(CursorStatus.Valid, status);
            Assert.Equal(default, after);
        }, iterations: 2_000);
    }

    [Fact]
    public void A_position_is_not_rounded_beyond_the_microsecond()
    {
        DateTimeOffset position = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1_234_567);
        Assert.Equal(CursorStatus.Valid, s_codec.TryDecode(s_codec.Encode(s_collection, ObjectFilter.None, position), s_collection, ObjectFilter.None, out DateTimeOffset decoded));
        Assert.Equal(position.AddTicks(-7), decoded);
    }
}
