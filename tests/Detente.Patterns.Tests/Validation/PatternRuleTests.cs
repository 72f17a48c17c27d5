using System.Reflection;
using Detente.Patterns.Validation;
using static Detente.Patterns.Validation.PatternRules;

namespace Detente.Patterns.Tests.Validation;

/// <summary>
/// Each rule of <see cref="PatternValidator"/> with a table of invalid cases (the exact rule ids expected, the position of
/// the first) and of valid cases (no issue at all), run by the same two tests.
/// </summary>
public sealed class PatternRuleTests
{
    private static readonly HashSet<string> s_warnings = new(StringComparer.Ordinal)
    {
        ObjectTypeUnknown, ObjectTypeNotSco, PropertyUnknown, IndexNegative, ConstantType, UnsatisfiableAlternative,
    };

    public static TheoryData<string, string, string, int> InvalidCases => new()
    {
        // pattern, version, space-separated rule ids, position of the first
        { "[file:size = '1' ", "2.1", Syntax, 17 },
        { "[File:size = 1]", "2.1", ObjectTypeFormat, 1 },
        { "[x_whatever:detected = 1]", "2.1", ObjectTypeFormat, 1 },
        { "[ab:c = 1]", "2.1", ObjectTypeFormat, 1 },
        { "[a--b:c = 1]", "2.1", ObjectTypeFormat, 1 },
        { "[emailaddr:value = 'x']", "2.1", ObjectTypeUnknown, 1 },
        { "[win-registry-key:key = 'x']", "2.0", ObjectTypeUnknown, 1 },
        { "[indicator:name = 'x']", "2.1", ObjectTypeNotSco, 1 },
        { "[EXISTS relationship:source_ref]", "2.1", ObjectTypeNotSco, 8 },
        { "[file:nme = 'x']", "2.1", PropertyUnknown, 1 },
        { "[process:name = 'x']", "2.1", PropertyUnknown, 1 },
        { "[file:labels = 'x']", "2.1", PropertyUnknown, 1 },
        { "[file:extensions.'windows-pebinary-ext'.sectons[*].entropy > 7.0]", "2.1", PropertyUnknown, 1 },
        { "[file:extensions.'pdf-ext'.sections[*].entropy > 7.0]", "2.1", PropertyUnknown, 1 },
        { "[file:extensions.'windows-pebinary' = 'x']", "2.1", PropertyUnknown, 1 },
        { "[network-traffic:dst_ref.path = 'x']", "2.1", PropertyUnknown, 1 },
        { "[file:name.length = 5]", "2.1", PropertyUnknown, 1 },
        { "[EXISTS file:nme]", "2.1", PropertyUnknown, 8 },
        { "[network-traffic:protocols[-1] = 'tcp']", "2.1", IndexNegative, 1 },
        { "[x-a:p[-2].q = 1]", "2.0", IndexNegative, 1 },
        { "[file:size = '371712']", "2.1", ConstantType, 13 },
        { "[file:name = 5]", "2.1", ConstantType, 13 },
        { "[file:size > t'2020-01-01T00:00:00Z']", "2.1", ConstantType, 13 },
        { "[network-traffic:start = '2018-04-20T12:36:24.558Z']", "2.1", ConstantType, 25 },
        { "[process:is_hidden = 1]", "2.1", ConstantType, 21 },
        { "[file:ctime = true]", "2.1", ConstantType, 14 },
        { "[file:size IN (1, 2.5, 'x')]", "2.1", ConstantType + " " + SetMixed, 23 },
        { "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 'high']", "2.1", ConstantType, 62 },
        { "[network-traffic:dst_ref.value = 5]", "2.1", ConstantType, 33 },
        { "[file:magic_number_hex = 5]", "2.1", ConstantType, 25 },
        { "[file:parent_directory_ref = 5]", "2.1", ConstantType, 29 },
        { "[file:hashes.MD5 = 5]", "2.1", ConstantType, 19 },
        { "[file:name = 'a' AND ipv4-addr:value = '10.0.0.1']", "2.1", AndObjectTypes, 1 },
        { "[(file:name = 'a' OR url:value = 'b') AND (ipv4-addr:value = '10.0.0.1' OR domain-name:value = 'x')]", "2.1", AndObjectTypes, 2 },
        { "[x-a:p = 1 AND x-b:p = 1 AND x-a:q = 1]", "2.0", AndObjectTypes, 1 },
        { "[(file:name = 'a' OR url:value = 'b') AND file:size = 5]", "2.1", UnsatisfiableAlternative, 2 },
        { "[file:size = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS", "2.1", DuplicateQualifier, 33 },
        { "([file:size = 1]) REPEATS 2 TIMES WITHIN 5 SECONDS REPEATS 3 TIMES", "2.1", DuplicateQualifier, 51 },
        { "[file:size = 1] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'", "2.1", DuplicateQualifier, 83 },
        { "[file:size = 1] WITHIN 0 SECONDS", "2.1", WithinPositive, 16 },
        { "[file:size = 1] WITHIN 0.0 SECONDS", "2.1", WithinPositive, 16 },
        { "[file:size = 1] REPEATS 0 TIMES", "2.1", RepeatsPositive, 16 },
        { "[file:size = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00.000Z'", "2.1", StartStopOrder, 16 },
        { "[file:size = 1] START '2016-07-01T00:00:00Z' STOP '2016-06-01T00:00:00Z'", "2.0", StartStopOrder, 16 },
        { "[file:size IN ()]", "2.1", SetEmpty, 14 },
        { "[file:name NOT IN ()]", "2.1", SetEmpty, 18 },
        { "[x-a:p IN ('a', h'00')]", "2.1", SetMixed, 16 },
        { "[x-a:p IN (true, 1)]", "2.1", SetMixed, 17 },
        { "[x-a:p IN (t'2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')]", "2.1", SetMixed, 36 },
        { "[file:name MATCHES '(']", "2.1", Regex, 19 },
        { "[file:name MATCHES 'a{2,1}']", "2.1", Regex, 19 },
        { "[file:name NOT MATCHES '[z-a]']", "2.1", Regex, 23 },
        { "[ipv4-addr:value ISSUBSET '198.51.100.0/33']", "2.1", SubsetValue, 26 },
        { "[ipv6-addr:value ISSUPERSET 'example.com']", "2.1", SubsetValue, 28 },
        { "[x-a:p ISSUBSET '']", "2.1", SubsetValue, 16 },
        { "[file:name ISSUBSET '10.0.0.0/8']", "2.1", SubsetPath, 1 },
        { "[ipv4-addr:resolves_to_refs[*].value ISSUPERSET '10.0.0.0/8']", "2.1", SubsetPath, 1 },
        { "[file:hashes.'SHA-256' = 'f00']", "2.1", HashValue, 25 },
        { "[file:hashes.md5 = 'cead3f77f6cda6ec00f57d76c9a6879']", "2.1", HashValue, 19 },
        { "[file:hashes.'SHA-1' IN ('cead3f77f6cda6ec00f57d76c9a6879fcead3f77', 'xyz')]", "2.1", HashValue, 69 },
        { "[x-a:hashes.'SHA-256' != 'f00']", "2.0", HashValue, 25 },
    };

    public static TheoryData<string, string> ValidCases => new()
    {
        { "[ipv4-addr:value = '198.51.100.3']", "2.1" },
        { "[ipv4-addr:value = '198.51.100.3']", "2.0" },
        { "[x-usb-device:usbdrive.serial_number = '5758']", "2.1" },
        { "[file:x_custom = 5 AND file:x_custom.deep[0] = 'x']", "2.1" },
        { "[file:extensions.'x-acme-ext'.anything = 1]", "2.1" },
        { "[file:extensions.'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e'.rank = 5]", "2.1" },
        { "[process:environment_variables.PATH = 'x']", "2.1" },
        { "[network-traffic:ipfix.minimumIpTotalLength > 5]", "2.1" },
        { "[file:contains_refs[*].name = 'x']", "2.1" },
        { "[file:hashes[*] = '8665c8d477534008b3058b72e2dae8ae']", "2.1" },
        { "[file:hashes.MD5.x = 'x']", "2.1" },
        { "[file:hashes.'x-custom-hash' = 'f00']", "2.1" },
        { "[file:hashes.SSDEEP = '96:p6bJ0BLJ8tz9FjaIZg1i:p6aBL8x9FjaI5']", "2.1" },
        { "[network-traffic:protocols[0] = 'tcp' AND network-traffic:protocols[*] = 'http']", "2.1" },
        { "[network-traffic:protocols = 'tcp']", "2.1" },
        { "[file:size = 1024.0 AND file:size IN (1, 2.5)]", "2.1" },
        { "[artifact:payload_bin = 'this is a test' OR artifact:payload_bin = h'74']", "2.1" },
        { "[file:ctime < t'2020-01-01T00:00:00Z']", "2.1" },
        { "[network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8']", "2.1" },
        { "[ipv6-addr:value ISSUPERSET '2001:db8::/32']", "2.1" },
        { "[x-a:ip ISSUBSET '10.0.0.0/8']", "2.1" },
        { "[file:name MATCHES '^a.*b$' AND file:name LIKE '%.exe']", "2.1" },
        { "[(file:name = 'a' OR url:value = 'b') AND (file:size = 5 OR url:value = 'c')]", "2.1" },
        { "[file:name = 'a' OR ipv4-addr:value = '10.0.0.1' AND ipv4-addr:value != '10.0.0.2']", "2.1" },
        { "([file:size = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS", "2.1" },
        { "[file:size = 1] REPEATS 2 TIMES WITHIN 0.5 SECONDS START t'2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00.001Z'", "2.1" },
        { "[EXISTS windows-registry-key:values AND NOT EXISTS windows-registry-key:modified_time]", "2.1" },
        { "[x-a:p IN ('a')]", "2.1" },
        { "[file:name = 'it\\'s'] FOLLOWEDBY [url:value = 'http://example.com/']", "2.1" },
        { "[process:name = 'x']", "2.0" },
        { "[file:size = '1']", "2.0" },
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Rule_breaking_patterns_are_reported_with_their_rule_ids(string text, string version, string rules, int position)
    {
        PatternValidationResult result = PatternValidator.Validate(text, Version(version));
        string[] expected = rules.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var actual = new SortedSet<string>(StringComparer.Ordinal);
        foreach (PatternIssue issue in result.Errors)
        {
            Assert.False(s_warnings.Contains(issue.Rule), $"{issue.Rule} should be a warning: {issue}");
            actual.Add(issue.Rule);
        }

        foreach (PatternIssue issue in result.Warnings)
        {
            Assert.True(s_warnings.Contains(issue.Rule), $"{issue.Rule} should be an error: {issue}");
            actual.Add(issue.Rule);
        }

        string described = string.Join("\n", result.Errors.Concat(result.Warnings));
        Assert.True(actual.SetEquals(expected), $"expected [{string.Join(", ", expected)}], got:\n{described}");
        if (expected.Length > 0)
        {
            Assert.Contains(result.Errors.Concat(result.Warnings), i => i.Rule == expected[0] && i.Position == position);
        }

        Assert.Equal(expected.Any(static r => !s_warnings.Contains(r)), !result.IsValid);
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_patterns_have_no_issue(string text, string version)
    {
        PatternValidationResult result = PatternValidator.Validate(text, Version(version));

        Assert.True(result.Errors.Count == 0 && result.Warnings.Count == 0, string.Join("\n", result.Errors.Concat(result.Warnings)));
        Assert.NotNull(result.Pattern);
        Assert.Null(result.SyntaxError);
    }

    [Fact]
    public void Every_rule_has_cases()
    {
        string[] rules = typeof(PatternRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral)
            .Select(static f => (string)f.GetRawConstantValue()!)
            .ToArray();
        var tested = new HashSet<string>(StringComparer.Ordinal);
        foreach (TheoryDataRow<string, string, string, int> row in InvalidCases)
        {
            tested.UnionWith(row.Data.Item3.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        string[] untested = rules.Where(rule => !tested.Contains(rule)).ToArray();
        Assert.True(untested.Length == 0, "rules without cases: " + string.Join(", ", untested));
        Assert.Equal(rules.Length, rules.Distinct(StringComparer.Ordinal).Count());
        Assert.All(rules, static r => Assert.StartsWith("pattern.", r, StringComparison.Ordinal));
    }

    [Fact]
    public void Issues_are_in_pattern_order()
    {
        PatternValidationResult result = PatternValidator.Validate(
            "[file:size IN () AND url:value = 'x' AND file:name MATCHES '('] WITHIN 0 SECONDS");

        int[] positions = [.. result.Errors.Select(static e => e.Position)];
        Assert.Equal(4, positions.Length);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Messages_never_quote_the_pattern()
    {
        const string Secret = "zzsecretzz";
        string text = $"[x-{Secret}:p = 1 AND file:x{Secret} = '{Secret}' AND file:name MATCHES '({Secret}' AND file:size IN ('{Secret}', 1)"
            + $" AND file:hashes.MD5 = '{Secret}' AND {Secret}:p = 1 AND file:'{Secret}-x' ISSUBSET '{Secret}'] WITHIN 0 SECONDS";

        PatternValidationResult result = PatternValidator.Validate(text);

        Assert.True(result.Errors.Count + result.Warnings.Count >= 8, string.Join("\n", result.Errors.Concat(result.Warnings)));
        Assert.All(result.Errors.Concat(result.Warnings), static i => Assert.DoesNotContain("secret", i.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_syntax_error_is_the_one_error_and_there_is_no_pattern()
    {
        PatternValidationResult result = PatternValidator.Validate("[file:size = ]");

        PatternIssue issue = Assert.Single(result.Errors);
        Assert.Equal(new PatternIssue(Syntax, 13, "expected a constant, found ']'"), issue);
        Assert.Equal("at 13: expected a constant, found ']' [pattern.syntax]", issue.ToString());
        Assert.Null(result.Pattern);
        Assert.Equal(13, result.SyntaxError!.Position);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Validating_a_tree_built_in_code_uses_positions_of_minus_one()
    {
        var pattern = new Pattern(new QualifiedObservation(
            new SimpleObservation(new PropertyComparison(new ObjectPath("file", PathComponent.OfProperty("size")), ComparisonOperator.Equal, new IntegerConstant(1))),
            new RepeatsQualifier(0)));

        PatternIssue issue = Assert.Single(PatternValidator.Validate(pattern).Errors);

        Assert.Equal((RepeatsPositive, -1), (issue.Rule, issue.Position));
        Assert.Throws<ArgumentNullException>(() => PatternValidator.Validate((Pattern)null!));
        Assert.Throws<ArgumentNullException>(() => PatternValidator.Validate((string)null!));
    }

    private static PatternVersion Version(string version) => version == "2.0" ? PatternVersion.V20 : PatternVersion.V21;
}
