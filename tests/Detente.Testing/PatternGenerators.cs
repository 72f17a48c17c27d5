using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using CsCheck;
using Detente.Patterns;
using Detente.Stix;

namespace Detente.Testing;

/// <summary>Seeded generators of STIX pattern syntax trees (every node kind, both grammars) and of indicator pattern text.</summary>
/// <remarks>
/// The trees are grammatical but not necessarily valid (an empty IN set, REPEATS 0, unknown types): they exercise the
/// parser and printer, and give evaluators and matchers odd cases to agree on. Names include ones the grammar must quote
/// (<c>'SHA-256'</c>, keywords, apostrophes, backslashes, non-ASCII).
/// </remarks>
public static class PatternGenerators
{
    private static readonly string[] s_objectTypes =
    [
        "file", "ipv4-addr", "ipv6-addr", "domain-name", "url", "network-traffic", "process", "x-usb-device",
        "email-message", "artifact", "user-account", "windows-registry-key", "_odd", "Upper-Case", "a", "x509-certificate",
    ];

    private static readonly string[] s_propertyNames =
    [
        "value", "name", "size", "hashes", "extensions", "sections", "entropy", "src_ref", "dst_port", "protocols",
        "x_custom", "SHA-256", "MD5", "windows-pebinary-ext", "a.b", "", "AND", "true", "EXISTS", "t", "b", "h",
        "it's", "back\\slash", "名前", "with space", "_", "resolves_to_refs",
    ];

    /// <summary>Property names: known, tricky (needing quotes) and arbitrary.</summary>
    public static Gen<string> PropertyName { get; } = Gen.Frequency(
        (8, Gen.OneOf(s_propertyNames.Select(static n => Gen.Const(n)).ToArray())),
        (1, JsonGenerators.String));

    /// <summary>Object types: identifiers the grammar accepts, STIX types or not.</summary>
    public static Gen<string> ObjectType { get; } = Gen.OneOf(s_objectTypes.Select(static n => Gen.Const(n)).ToArray());

    /// <summary>Object paths of one to five components, the first a property.</summary>
    public static Gen<ObjectPath> Path { get; } = Gen.Select(
        ObjectType,
        PropertyName,
        Gen.Frequency(
            (4, PropertyName.Select(static n => PathComponent.OfProperty(n))),
            (2, Gen.Int[-3, 20].Select(static i => PathComponent.OfIndex(i))),
            (1, Gen.Int.Select(static i => PathComponent.OfIndex(i))),
            (2, Gen.Const(PathComponent.AnyIndex))).Array[0, 4],
        static (type, first, rest) => new ObjectPath(type, [PathComponent.OfProperty(first), .. rest]));

    /// <summary>STIX timestamps with 0 to 9 sub-second digits.</summary>
    public static Gen<StixTimestamp> Timestamp { get; } = Gen.Select(
        Gen.Long[new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc).Ticks],
        Gen.Int[0, 9],
        Gen.Int[0, 999_999_999],
        static (ticks, digits, fraction) =>
        {
            var text = new StringBuilder(new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture));
            if (digits > 0)
            {
                text.Append('.').Append(fraction.ToString("D9", CultureInfo.InvariantCulture), 0, digits);
            }

            return StixTimestamp.Parse(text.Append('Z').ToString());
        });

    /// <summary>Constants other than sets: strings, integers at the edges of the STIX range, finite floats, booleans,
    /// timestamps, base64 and hex binaries.</summary>
    public static Gen<PatternConstant> Primitive { get; } = Gen.Frequency(
        (6, JsonGenerators.String.Select(static s => (PatternConstant)new StringConstant(s))),
        (3, Gen.Frequency(
            (4, Gen.Long[-1000, 1000]),
            (1, Gen.Long[-IntegerConstant.MaxValue, IntegerConstant.MaxValue]),
            (1, Gen.OneOf(Gen.Const(IntegerConstant.MaxValue), Gen.Const(-IntegerConstant.MaxValue), Gen.Const(0L))))
            .Select(static l => (PatternConstant)new IntegerConstant(l))),
        (3, JsonGenerators.Number.Select(static d => (PatternConstant)new FloatConstant(d))),
        (1, Gen.Bool.Select(static b => (PatternConstant)new BooleanConstant(b))),
        (2, Timestamp.Select(static t => (PatternConstant)new TimestampConstant(t))),
        (1, Gen.Byte.Array[1, 24].Select(static b => (PatternConstant)new BinaryConstant(ImmutableArray.Create(b), BinaryEncoding.Base64))),
        (1, Gen.Byte.Array[0, 24].Select(static b => (PatternConstant)new BinaryConstant(ImmutableArray.Create(b), BinaryEncoding.Hex))));

    /// <summary>Sets for IN: empty, one kind, or mixed.</summary>
    public static Gen<SetConstant> Set { get; } = Primitive.Array[0, 5].Select(static items => new SetConstant([.. items]));

    /// <summary>A comparison of a path with a constant the operator takes, negated or not.</summary>
    public static Gen<ComparisonExpression> PropertyComparison { get; } = Gen.Select(Path, Gen.Enum<ComparisonOperator>(), Gen.Bool,
            Primitive, Set, JsonGenerators.String)
        .Select(static (path, op, negated, primitive, set, text) => (ComparisonExpression)new PropertyComparison(path, op, op switch
        {
            ComparisonOperator.In => set,
            ComparisonOperator.Like or ComparisonOperator.Matches or ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset => new StringConstant(text),
            ComparisonOperator.Equal or ComparisonOperator.NotEqual => primitive,
            _ => primitive is BooleanConstant ? new IntegerConstant(1) : primitive,
        }, negated));

    /// <summary>Qualifiers, including values the validator refuses (0) and the extremes.</summary>
    public static Gen<PatternQualifier> Qualifier { get; } = Gen.Frequency(
        (3, Gen.Frequency(
                (3, Gen.Int[0, 100_000].Select(static i => (double)i)),
                (2, Gen.Double[0, 1e6]),
                (1, Gen.Double.Select(Math.Abs).Where(double.IsFinite)))
            .Select(static s => (PatternQualifier)new WithinQualifier(s))),
        (3, Gen.Frequency((4, Gen.Int[0, 1000]), (1, Gen.Const(int.MaxValue))).Select(static c => (PatternQualifier)new RepeatsQualifier(c))),
        (2, Gen.Select(Timestamp, Timestamp, static (a, b) => (PatternQualifier)new StartStopQualifier(a, b))));

    /// <summary>STIX 2.1 patterns: every node kind, nested up to three levels.</summary>
    public static Gen<Pattern> Pattern21 { get; } = Observation(3, exists: true).Select(static root => new Pattern(root, PatternVersion.V21));

    /// <summary>STIX 2.0 patterns: no EXISTS.</summary>
    public static Gen<Pattern> Pattern20 { get; } = Observation(3, exists: false).Select(static root => new Pattern(root, PatternVersion.V20));

    /// <summary>Patterns of either grammar.</summary>
    public static Gen<Pattern> Pattern { get; } = Gen.Frequency((3, Pattern21), (1, Pattern20));

    /// <summary>Comparison expressions nested up to <paramref name="depth"/> levels.</summary>
    public static Gen<ComparisonExpression> Comparison(int depth, bool exists)
    {
        Gen<ComparisonExpression> leaf = exists
            ? Gen.Frequency((5, PropertyComparison), (1, Gen.Select(Path, Gen.Bool, static (p, n) => (ComparisonExpression)new ExistsComparison(p, n))))
            : PropertyComparison;
        if (depth == 0)
        {
            return leaf;
        }

        Gen<ComparisonExpression> inner = Comparison(depth - 1, exists);
        return Gen.Frequency(
            (3, leaf),
            (2, Gen.Select(Gen.Enum<BooleanOperator>(), inner.Array[2, 4],
                static (op, operands) => (ComparisonExpression)new CompoundComparison(op, [.. operands]))));
    }

    /// <summary>Observation expressions nested up to <paramref name="depth"/> levels.</summary>
    public static Gen<ObservationExpression> Observation(int depth, bool exists)
    {
        Gen<ObservationExpression> simple = Comparison(2, exists).Select(static c => (ObservationExpression)new SimpleObservation(c));
        if (depth == 0)
        {
            return simple;
        }

        Gen<ObservationExpression> inner = Observation(depth - 1, exists);
        return Gen.Frequency(
            (3, simple),
            (2, Gen.Select(Gen.Enum<ObservationOperator>(), inner.Array[2, 4],
                static (op, operands) => (ObservationExpression)new CompoundObservation(op, [.. operands]))),
            (2, Gen.Select(inner, Qualifier.Array[1, 3],
                static (e, qualifiers) => (ObservationExpression)new QualifiedObservation(e, [.. qualifiers]))));
    }

    /// <summary>
    /// Realistic indicator patterns, the same for the same seed: mostly one equality on an IP address, domain, URL or file
    /// hash, with some OR lists, AND of hash and name, and FOLLOWEDBY with WITHIN.
    /// </summary>
    public static string[] IndicatorPatterns(int count, int seed)
    {
        var random = new Random(seed);
        var patterns = new string[count];
        for (int i = 0; i < count; i++)
        {
            patterns[i] = random.Next(20) switch
            {
                < 8 => $"[ipv4-addr:value = '{Ip(random)}']",
                < 11 => $"[domain-name:value = '{Domain(random)}']",
                < 13 => $"[url:value = 'https://{Domain(random)}/{random.Next(100_000)}/login.php']",
                < 15 => $"[file:hashes.'SHA-256' = '{Hex(random, 32)}']",
                15 => $"[file:hashes.MD5 = '{Hex(random, 16)}' AND file:name = 'invoice{random.Next(1000)}.exe']",
                16 => $"[ipv4-addr:value = '{Ip(random)}' OR ipv4-addr:value = '{Ip(random)}' OR ipv6-addr:value = '2001:db8::{random.Next(65536):x}/128']",
                17 => $"[network-traffic:dst_ref.value ISSUBSET '{Ip(random)}/32' AND network-traffic:dst_port IN (443, 8443)]",
                18 => $"([file:hashes.'SHA-256' = '{Hex(random, 32)}'] FOLLOWEDBY [domain-name:value = '{Domain(random)}']) WITHIN 600 SECONDS",
                _ => $"[process:command_line MATCHES '^powershell.+-enc {random.Next(1000)}' AND process:name LIKE 'power%']",
            };
        }

        return patterns;
    }

    /// <summary><paramref name="count"/> patterns <c>[ipv4-addr:value = 'a.b.c.d']</c> with seeded addresses.</summary>
    public static string[] Ipv4Patterns(int count, int seed)
    {
        var random = new Random(seed);
        var patterns = new string[count];
        for (int i = 0; i < count; i++)
        {
            patterns[i] = $"[ipv4-addr:value = '{Ip(random)}']";
        }

        return patterns;
    }

    private static string Ip(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");

    private static string Domain(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"{(char)('a' + random.Next(26))}{random.Next(1_000_000):x}.example.{(random.Next(2) == 0 ? "com" : "net")}");

    private static string Hex(Random random, int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }
}
