using CsCheck;
using Detente.Stix;
using Detente.Taxii.Query;
using Detente.Testing;

namespace Detente.Taxii.Tests.Query;

public sealed class QueryTests
{
    private const string Indicator = "indicator--3600ad1b-fff1-4c98-bcc9-4de3bc2e2ffb";
    private const string Sighting = "sighting--4600ad1b-fff1-4c58-bcc9-4de3bc5e2ffd";

    private static TaxiiObjectQuery Parse(string? query, TaxiiQueryEndpoint endpoint = TaxiiQueryEndpoint.Objects)
    {
        Assert.True(TaxiiObjectQuery.TryParse(query, endpoint, out TaxiiObjectQuery? parsed, out TaxiiQueryError? error), error?.ToString());
        return parsed;
    }

    private static TaxiiQueryError Refuse(string query, TaxiiQueryEndpoint endpoint = TaxiiQueryEndpoint.Objects)
    {
        Assert.False(TaxiiObjectQuery.TryParse(query, endpoint, out TaxiiObjectQuery? parsed, out TaxiiQueryError? error));
        Assert.Null(parsed);
        return error;
    }

    [Fact]
    public void The_spec_examples_parse()
    {
        Assert.Equal(["campaign", "malware", "threat-actor"], Parse("?match[type]=campaign,malware,threat-actor").Types);

        TaxiiObjectQuery q = Parse("?match[type]=incident&match[version]=2016-01-01T01:01:01.000Z");
        Assert.Equal(["incident"], q.Types);
        Assert.Equal([StixTimestamp.Parse("2016-01-01T01:01:01.000Z")], q.Versions!.Timestamps);

        Assert.Equal([Indicator, Sighting], Parse($"?match[id]={Indicator},{Sighting}").Ids);
        Assert.Equal(["2.0", "2.1"], Parse("?match[spec_version]=2.0,2.1").SpecVersions);
        Assert.Same(TaxiiVersionFilter.All, Parse("?match[version]=all").Versions);

        TaxiiVersionFilter mixed = Parse("?match[version]=first,2018-03-02T01:01:01.123Z,last").Versions!;
        Assert.True(mixed.IncludesFirst && mixed.IncludesLast && !mixed.IncludesAll);
        Assert.Equal("2018-03-02T01:01:01.123Z", Assert.Single(mixed.Timestamps).ToString());
        Assert.Equal(2, Parse("?match[version]=2016-03-23T01:01:01.000Z,2018-03-02T01:01:01.123Z").Versions!.Timestamps.Count);
    }

    [Fact]
    public void No_query_is_the_empty_query()
    {
        Assert.True(Parse(null).IsEmpty);
        Assert.True(Parse("").IsEmpty);
        Assert.True(Parse("?").IsEmpty);
        Assert.True(Parse("?&&").IsEmpty);
        Assert.Equal("", TaxiiObjectQuery.None.ToQueryString());
    }

    [Fact]
    public void Paging_parameters_parse_exactly()
    {
        TaxiiObjectQuery q = Parse("added_after=2016-11-04T03:04:05.123456Z&limit=100&next=abc%2B%2F%3D%3D");

        Assert.Equal("2016-11-04T03:04:05.123456Z", q.AddedAfter.ToString());
        Assert.Equal(100, q.Limit);
        Assert.Equal("abc+/==", q.Next);
    }

    [Fact]
    public void Percent_encoded_keys_values_and_plus_signs_are_decoded()
    {
        TaxiiObjectQuery q = Parse("match%5Btype%5D=indicator&added_after=2016-11-04T03%3A04%3A05Z&next=a+b");

        Assert.Equal(["indicator"], q.Types);
        Assert.Equal("2016-11-04T03:04:05Z", q.AddedAfter.ToString());
        Assert.Equal("a b", q.Next);
    }

    [Theory]
    [InlineData("limit=1", 1)]
    [InlineData("limit=007", 7)]
    [InlineData("limit=2147483647", int.MaxValue)]
    [InlineData("limit=2147483648", int.MaxValue)]
    [InlineData("limit=99999999999999999999999999", int.MaxValue)]
    public void Limit_is_a_positive_integer_and_a_huge_one_saturates(string query, int limit)
    {
        Assert.Equal(limit, Parse(query).Limit);
    }

    /// <summary>(query, endpoint, parameter named by the error).</summary>
    public static TheoryData<string, TaxiiQueryEndpoint, string> Refused => new()
    {
        { "limit=0", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=000", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=-5", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=+5", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=5.0", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=%205", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=ten", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit", TaxiiQueryEndpoint.Objects, "limit" },
        { "limit=1&limit=2", TaxiiQueryEndpoint.Objects, "limit" },
        { "added_after=yesterday", TaxiiQueryEndpoint.Objects, "added_after" },
        { "added_after=2016-11-04T03:04:05", TaxiiQueryEndpoint.Objects, "added_after" },
        { "added_after=2016-11-04T03:04:05+01:00", TaxiiQueryEndpoint.Objects, "added_after" },
        { "added_after=2016-11-04T03:04:05Z,2016-11-05T03:04:05Z", TaxiiQueryEndpoint.Objects, "added_after" },
        { "added_after=2016-11-04T03:04:05Z&added_after=2016-11-05T03:04:05Z", TaxiiQueryEndpoint.Objects, "added_after" },
        { "next=", TaxiiQueryEndpoint.Objects, "next" },
        { "next=a&next=b", TaxiiQueryEndpoint.Objects, "next" },
        { "match[type]=indicator&match[type]=malware", TaxiiQueryEndpoint.Objects, "match[type]" },
        { "match[type]=indicator,,malware", TaxiiQueryEndpoint.Objects, "match[type]" },
        { "match[type]=indicator,", TaxiiQueryEndpoint.Objects, "match[type]" },
        { "match[type]=indicator,%20malware", TaxiiQueryEndpoint.Objects, "match[type]" },
        { "match[type]=Indicator", TaxiiQueryEndpoint.Objects, "match[type]" },
        { "match[type]=x", TaxiiQueryEndpoint.Objects, "match[type]" },
        { "match[id]=indicator", TaxiiQueryEndpoint.Objects, "match[id]" },
        { "match[id]=indicator--3600AD1B-FFF1-4C98-BCC9-4DE3BC2E2FFB", TaxiiQueryEndpoint.Objects, "match[id]" },
        { "match[spec_version]=2", TaxiiQueryEndpoint.Objects, "match[spec_version]" },
        { "match[spec_version]=2.1.0", TaxiiQueryEndpoint.Objects, "match[spec_version]" },
        { "match[spec_version]=v2.1", TaxiiQueryEndpoint.Objects, "match[spec_version]" },
        { "match[version]=latest", TaxiiQueryEndpoint.Objects, "match[version]" },
        { "match[version]=all,last", TaxiiQueryEndpoint.Objects, "match[version]" },
        { "match[version]=first,first", TaxiiQueryEndpoint.Objects, "match[version]" },
        { "match[version]=2016-01-01T01:01:01.000Z,2016-01-01T01:01:01Z", TaxiiQueryEndpoint.Objects, "match[version]" },
        { "match[version]=last&match[version]=first", TaxiiQueryEndpoint.Objects, "match[version]" },
        { "match[created_by_ref]=identity--3600ad1b-fff1-4c98-bcc9-4de3bc2e2ffb", TaxiiQueryEndpoint.Objects, "match[created_by_ref]" },
        { "match[]=x", TaxiiQueryEndpoint.Objects, "match[]" },
        { "type=indicator", TaxiiQueryEndpoint.Objects, "type" },
        { "Limit=5", TaxiiQueryEndpoint.Objects, "Limit" },
        { "match[type]=indicator", TaxiiQueryEndpoint.Object, "match[type]" },
        { "match[id]=" + Indicator, TaxiiQueryEndpoint.Versions, "match[id]" },
        { "match[version]=all", TaxiiQueryEndpoint.Versions, "match[version]" },
        { "limit=5", TaxiiQueryEndpoint.DeleteObject, "limit" },
        { "added_after=2016-11-04T03:04:05Z", TaxiiQueryEndpoint.DeleteObject, "added_after" },
        { "next=%zz", TaxiiQueryEndpoint.Objects, "next" },
        { "next=%C3%28", TaxiiQueryEndpoint.Objects, "next" },
        { "next=a%2", TaxiiQueryEndpoint.Objects, "next" },
        { "next=a\"b", TaxiiQueryEndpoint.Objects, "next" },
        { "next=caf\u00e9", TaxiiQueryEndpoint.Objects, "next" },
        { "match%5Btype=x", TaxiiQueryEndpoint.Objects, "match[type" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Bad_parameters_are_refused_naming_the_parameter(string query, TaxiiQueryEndpoint endpoint, string parameter)
    {
        TaxiiQueryError error = Refuse(query, endpoint);

        Assert.Equal(parameter, error.Parameter);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.StartsWith(parameter + ": ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_on_size_are_enforced()
    {
        Assert.Equal("query", Refuse("next=" + new string('a', TaxiiObjectQuery.MaxQueryLength)).Parameter);
        Assert.Equal("next", Refuse("next=" + new string('a', TaxiiObjectQuery.MaxNextLength + 1)).Parameter);
        string types = string.Join(',', Enumerable.Repeat("indicator", TaxiiObjectQuery.MaxMatchValues + 1));
        Assert.Equal("match[type]", Refuse("match[type]=" + types).Parameter);
        Assert.Equal(TaxiiObjectQuery.MaxMatchValues, Parse("match[type]=" + string.Join(',', Enumerable.Repeat("indicator", TaxiiObjectQuery.MaxMatchValues))).Types.Count);
    }

    [Fact]
    public void Quoted_parts_of_the_query_are_escaped_in_errors()
    {
        TaxiiQueryError error = Refuse("match[type]=a%0Ab%1B");

        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains("\\u000a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_endpoint_takes_its_own_parameters()
    {
        string all = $"added_after=2016-11-04T03:04:05Z&limit=5&next=n&match[id]={Indicator}&match[type]=indicator&match[version]=all&match[spec_version]=2.1";
        Assert.False(Parse(all, TaxiiQueryEndpoint.Manifest).IsEmpty);
        Parse("added_after=2016-11-04T03:04:05Z&limit=5&next=n&match[version]=all&match[spec_version]=2.1", TaxiiQueryEndpoint.Object);
        Parse("match[version]=first&match[spec_version]=2.1", TaxiiQueryEndpoint.DeleteObject);
        Parse("added_after=2016-11-04T03:04:05Z&limit=5&next=n&match[spec_version]=2.1", TaxiiQueryEndpoint.Versions);
    }

    [Fact]
    public void The_formatter_writes_what_the_spec_shows()
    {
        var q = new TaxiiObjectQuery
        {
            AddedAfter = StixTimestamp.Parse("2016-11-04T03:04:05.123456Z"),
            Limit = 10,
            Types = ["campaign", "malware"],
            Versions = TaxiiVersionFilter.Create(first: true, last: false, [StixTimestamp.Parse("2018-03-02T01:01:01.123Z")]),
        };

        Assert.Equal("?added_after=2016-11-04T03%3A04%3A05.123456Z&limit=10&match[type]=campaign,malware&match[version]=first,2018-03-02T01%3A01%3A01.123Z", q.ToQueryString());
        Assert.Equal("?next=a%2Bb%20c%26d%3De", new TaxiiObjectQuery { Next = "a+b c&d=e" }.ToQueryString());
    }

    [Fact]
    public void Values_set_in_code_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaxiiObjectQuery { Limit = 0 });
        Assert.Throws<ArgumentException>(() => new TaxiiObjectQuery { Next = "" });
        Assert.Throws<ArgumentException>(() => new TaxiiObjectQuery { Next = "a\ud800" });
        Assert.Throws<ArgumentException>(() => new TaxiiObjectQuery { Ids = ["not-an-id"] });
        Assert.Throws<ArgumentException>(() => new TaxiiObjectQuery { Types = ["Bad Type"] });
        Assert.Throws<ArgumentException>(() => new TaxiiObjectQuery { SpecVersions = ["two"] });
        Assert.Throws<ArgumentException>(() => TaxiiVersionFilter.Create(false, false, []));
        Assert.Throws<ArgumentException>(() => TaxiiVersionFilter.Create(true, false, [StixTimestamp.Parse("2016-01-01T00:00:00Z"), StixTimestamp.Parse("2016-01-01T00:00:00.000Z")]));
    }

    private static readonly Gen<TaxiiObjectQuery> s_query =
        Gen.Select(
            Gen.Select(Gen.Long[0, 2_000_000_000].Nullable(), Gen.Int[1, int.MaxValue].Nullable(), JsonGenerators.String.Where(static s => s.Length > 0).Null()),
            Gen.Guid.Array[0, 3],
            Gen.OneOf(Gen.Const("indicator"), Gen.Const("x-custom-type"), Gen.Const("ipv4-addr"), Gen.Const("a1b")).Array[0, 3],
            Gen.Select(Gen.Int[0, 4], Gen.Long[0, 2_000_000_000].Array[0, 3]),
            Gen.OneOf(Gen.Const("2.0"), Gen.Const("2.1"), Gen.Const("10.12")).Array[0, 2],
            static (paging, ids, types, versions, specs) => new TaxiiObjectQuery
            {
                AddedAfter = paging.Item1 is long s ? Timestamp(s, 6) : null,
                Limit = paging.Item2,
                Next = paging.Item3,
                Ids = ids.Select(static g => new StixId("indicator", Version4(g)).ToString()).ToArray(),
                Types = types,
                Versions = versions.Item1 switch
                {
                    0 => null,
                    1 => TaxiiVersionFilter.All,
                    _ => versions.Item2.Distinct().Any() || versions.Item1 != 4
                        ? TaxiiVersionFilter.Create(versions.Item1 == 2, versions.Item1 == 3, versions.Item2.Distinct().Select(static v => Timestamp(v, 3)))
                        : TaxiiVersionFilter.Last,
                },
                SpecVersions = specs,
            });

    /// <summary>Random bits with the RFC 4122 version (4) and variant (10xx) set, as a STIX id needs.</summary>
    private static Guid Version4(Guid random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.TryWriteBytes(bytes, bigEndian: true, out _);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static StixTimestamp Timestamp(long seconds, int digits) =>
        StixTimestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddSeconds(seconds).AddTicks(seconds % 10_000_000), digits);

    [Fact]
    public void Format_then_parse_gives_the_same_query()
    {
        Property.ForAll(s_query, q =>
        {
            string text = q.ToQueryString();
            Assert.True(TaxiiObjectQuery.TryParse(text, TaxiiQueryEndpoint.Objects, out TaxiiObjectQuery? parsed, out TaxiiQueryError? error), error?.ToString());
            Assert.Equal(q, parsed);
            Assert.Equal(text, parsed.ToQueryString());
        }, iterations: 1000);
    }

    [Fact]
    public void Parsing_never_throws_on_any_query_string()
    {
        Gen<string> queries = Gen.String[Gen.OneOf(Gen.Char["&=[]%+,match_idtypevrsonlmaf0123456789ZT:.-"], Gen.Char), 0, 80];
        Property.ForAll(queries, text =>
        {
            foreach (TaxiiQueryEndpoint endpoint in Enum.GetValues<TaxiiQueryEndpoint>())
            {
                if (TaxiiObjectQuery.TryParse(text, endpoint, out TaxiiObjectQuery? q, out _))
                {
                    // What parses formats to a query that parses to the same thing.
                    Assert.True(TaxiiObjectQuery.TryParse(q.ToQueryString(), endpoint, out TaxiiObjectQuery? again, out _));
                    Assert.Equal(q, again);
                }
            }
        }, iterations: 3000);
    }
}
