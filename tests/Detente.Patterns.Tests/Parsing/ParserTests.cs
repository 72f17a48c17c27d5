using System.Collections.Immutable;
using Detente.Stix;

namespace Detente.Patterns.Tests.Parsing;

/// <summary>The grammar's constructs, each parsed to the expected tree (STIX 2.1 §9, OASIS STIXPattern.g4).</summary>
public sealed partial class ParserTests
{
    /// <summary>The comparison of a pattern with one comparison in one pair of brackets.</summary>
    private static PropertyComparison Only(string text, PatternVersion version = PatternVersion.V21)
    {
        Pattern pattern = Pattern.Parse(text, version);
        return Assert.IsType<PropertyComparison>(Assert.IsType<SimpleObservation>(pattern.Root).Comparison);
    }

    private static ObjectPath PathOf(string path) => Only($"[{path} = 1]").Path;

    public static TheoryData<string, ComparisonOperator, bool> Operators => new()
    {
        { "[file:size = 1]", ComparisonOperator.Equal, false },
        { "[file:size == 1]", ComparisonOperator.Equal, false },
        { "[file:size != 1]", ComparisonOperator.NotEqual, false },
        { "[file:size <> 1]", ComparisonOperator.NotEqual, false },
        { "[file:size > 1]", ComparisonOperator.GreaterThan, false },
        { "[file:size < 1]", ComparisonOperator.LessThan, false },
        { "[file:size >= 1]", ComparisonOperator.GreaterThanOrEqual, false },
        { "[file:size <= 1]", ComparisonOperator.LessThanOrEqual, false },
        { "[file:size IN (1, 2)]", ComparisonOperator.In, false },
        { "[file:name LIKE 'a%']", ComparisonOperator.Like, false },
        { "[file:name MATCHES '^a']", ComparisonOperator.Matches, false },
        { "[ipv4-addr:value ISSUBSET '10.0.0.0/8']", ComparisonOperator.IsSubset, false },
        { "[ipv4-addr:value ISSUPERSET '10.0.0.0/8']", ComparisonOperator.IsSuperset, false },
        { "[file:size NOT = 1]", ComparisonOperator.Equal, true },
        { "[file:size NOT != 1]", ComparisonOperator.NotEqual, true },
        { "[file:size NOT > 1]", ComparisonOperator.GreaterThan, true },
        { "[file:size NOT < 1]", ComparisonOperator.LessThan, true },
        { "[file:size NOT >= 1]", ComparisonOperator.GreaterThanOrEqual, true },
        { "[file:size NOT <= 1]", ComparisonOperator.LessThanOrEqual, true },
        { "[file:size NOT IN (1)]", ComparisonOperator.In, true },
        { "[file:name NOT LIKE 'a%']", ComparisonOperator.Like, true },
        { "[file:name NOT MATCHES '^a']", ComparisonOperator.Matches, true },
        { "[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']", ComparisonOperator.IsSubset, true },
        { "[ipv4-addr:value NOT ISSUPERSET '10.0.0.0/8']", ComparisonOperator.IsSuperset, true },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void Every_comparison_operator_parses_with_and_without_not(string text, ComparisonOperator op, bool negated)
    {
        PropertyComparison comparison = Only(text);

        Assert.Equal(op, comparison.Operator);
        Assert.Equal(negated, comparison.Negated);
        Assert.Equal(1, comparison.Path.Position);
        Assert.Equal(comparison, Only(text, PatternVersion.V20));
    }

    [Theory]
    [InlineData("[EXISTS windows-registry-key:values]", false)]
    [InlineData("[NOT EXISTS windows-registry-key:values]", true)]
    [InlineData("[ NOT  EXISTS\twindows-registry-key:values ]", true)]
    public void Exists_and_not_exists_parse_in_stix_2_1(string text, bool negated)
    {
        Pattern pattern = Pattern.Parse(text);

        var exists = Assert.IsType<ExistsComparison>(Assert.IsType<SimpleObservation>(pattern.Root).Comparison);
        Assert.Equal(negated, exists.Negated);
        Assert.Equal("windows-registry-key", exists.Path.ObjectType);
        Assert.Equal("values", exists.Path.Components[0].Name);
        Assert.Equal(text.IndexOf(negated ? 'N' : 'E'), exists.Position);
    }

    [Fact]
    public void Observation_operators_bind_and_before_or_before_followedby()
    {
        Pattern pattern = Pattern.Parse("[x-a:p = 1] AND [x-b:p = 1] OR [x-c:p = 1] FOLLOWEDBY [x-d:p = 1] AND [x-e:p = 1]");

        var followedBy = Assert.IsType<CompoundObservation>(pattern.Root);
        Assert.Equal(ObservationOperator.FollowedBy, followedBy.Operator);
        var or = Assert.IsType<CompoundObservation>(followedBy.Operands[0]);
        Assert.Equal(ObservationOperator.Or, or.Operator);
        Assert.Equal(ObservationOperator.And, Assert.IsType<CompoundObservation>(or.Operands[0]).Operator);
        Assert.IsType<SimpleObservation>(or.Operands[1]);
        Assert.Equal(ObservationOperator.And, Assert.IsType<CompoundObservation>(followedBy.Operands[1]).Operator);
    }

    [Fact]
    public void A_chain_of_one_operator_is_one_node_with_every_operand_in_order()
    {
        Pattern pattern = Pattern.Parse("[x-a:p = 1] OR [x-a:p = 2] OR [x-a:p = 3] OR [x-a:p = 4]");

        var or = Assert.IsType<CompoundObservation>(pattern.Root);
        Assert.Equal(4, or.Operands.Length);
        Assert.Equal([1L, 2L, 3L, 4L], or.Operands.Select(static o =>
            ((IntegerConstant)((PropertyComparison)((SimpleObservation)o).Comparison).Value).Value));
        Assert.Equal(0, or.Position);
    }

    [Fact]
    public void Parentheses_group_observation_expressions_and_keep_their_shape()
    {
        Pattern grouped = Pattern.Parse("([x-a:p = 1] AND [x-a:p = 2]) AND [x-a:p = 3]");
        Pattern flat = Pattern.Parse("[x-a:p = 1] AND [x-a:p = 2] AND [x-a:p = 3]");
        Pattern redundant = Pattern.Parse("(([x-a:p = 1] AND [x-a:p = 2] AND [x-a:p = 3]))");

        var and = Assert.IsType<CompoundObservation>(grouped.Root);
        Assert.Equal(2, and.Operands.Length);
        Assert.IsType<CompoundObservation>(and.Operands[0]);
        Assert.NotEqual(flat, grouped);
        Assert.Equal(flat, redundant);
    }

    [Fact]
    public void Boolean_operators_bind_and_before_or()
    {
        PropertyComparison[] leaves;
        Pattern pattern = Pattern.Parse("[file:a = 1 OR file:b = 2 AND file:c = 3 OR (file:d = 4 OR file:e = 5) AND file:f = 6]");

        var or = Assert.IsType<CompoundComparison>(Assert.IsType<SimpleObservation>(pattern.Root).Comparison);
        Assert.Equal(BooleanOperator.Or, or.Operator);
        Assert.Equal(3, or.Operands.Length);
        Assert.IsType<PropertyComparison>(or.Operands[0]);
        var and = Assert.IsType<CompoundComparison>(or.Operands[1]);
        Assert.Equal(BooleanOperator.And, and.Operator);
        var last = Assert.IsType<CompoundComparison>(or.Operands[2]);
        Assert.Equal(BooleanOperator.And, last.Operator);
        Assert.Equal(BooleanOperator.Or, Assert.IsType<CompoundComparison>(last.Operands[0]).Operator);
        leaves = [.. and.Operands.Cast<PropertyComparison>()];
        Assert.Equal(["b", "c"], leaves.Select(static l => l.Path.Components[0].Name));
    }

    [Fact]
    public void Qualifiers_in_a_row_are_one_node_in_written_order()
    {
        Pattern pattern = Pattern.Parse(
            "[x-a:p = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'");

        var qualified = Assert.IsType<QualifiedObservation>(pattern.Root);
        Assert.IsType<SimpleObservation>(qualified.Expression);
        Assert.Equal(3, qualified.Qualifiers.Length);
        Assert.Equal(5, Assert.IsType<RepeatsQualifier>(qualified.Qualifiers[0]).Count);
        Assert.Equal(1800.0, Assert.IsType<WithinQualifier>(qualified.Qualifiers[1]).Seconds);
        var window = Assert.IsType<StartStopQualifier>(qualified.Qualifiers[2]);
        Assert.Equal(StixTimestamp.Parse("2016-06-01T00:00:00Z"), window.Start);
        Assert.Equal("2016-07-01T00:00:00.5Z", window.Stop.ToString());
        Assert.Equal(12, qualified.Qualifiers[0].Position);
    }

    [Theory]
    [InlineData("[x-a:p = 1] WITHIN 5 SECONDS", 5.0)]
    [InlineData("[x-a:p = 1] WITHIN +5 SECONDS", 5.0)]
    [InlineData("[x-a:p = 1] WITHIN 0.25 SECONDS", 0.25)]
    [InlineData("[x-a:p = 1] WITHIN .25 SECONDS", 0.25)]
    [InlineData("[x-a:p = 1] WITHIN 0 SECONDS", 0.0)]
    [InlineData("[x-a:p = 1] WITHIN 100000000000000000000000 SECONDS", 1e23)]
    public void Within_takes_a_positive_integer_or_float(string text, double seconds)
    {
        var qualified = Assert.IsType<QualifiedObservation>(Pattern.Parse(text).Root);
        Assert.Equal(seconds, Assert.IsType<WithinQualifier>(Assert.Single(qualified.Qualifiers)).Seconds);
    }

    [Fact]
    public void A_parenthesized_qualified_expression_qualified_again_nests()
    {
        Pattern pattern = Pattern.Parse("([x-a:p = 1] REPEATS 2 TIMES) REPEATS 3 TIMES");

        var outer = Assert.IsType<QualifiedObservation>(pattern.Root);
        var inner = Assert.IsType<QualifiedObservation>(outer.Expression);
        Assert.Equal(2, Assert.IsType<RepeatsQualifier>(Assert.Single(inner.Qualifiers)).Count);
        Assert.Equal(3, Assert.IsType<RepeatsQualifier>(Assert.Single(outer.Qualifiers)).Count);
        Assert.Equal("([x-a:p = 1] REPEATS 2 TIMES) REPEATS 3 TIMES", pattern.ToString());
    }

    [Fact]
    public void Both_levels_of_parentheses_parse_together()
    {
        Pattern pattern = Pattern.Parse("( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])");

        Assert.Equal("[network-traffic:dst_port IN (443, 6443, 8443) AND network-traffic:src_packets != 0]", pattern.ToString());
    }

    [Fact]
    public void Object_paths_have_types_properties_indexes_quoted_keys_and_extensions()
    {
        ObjectPath path = PathOf("file:extensions.'windows-pebinary-ext'.sections[*].entropy");

        Assert.Equal("file", path.ObjectType);
        Assert.Equal(
            [PathComponent.OfProperty("extensions"), PathComponent.OfProperty("windows-pebinary-ext"), PathComponent.OfProperty("sections"),
                PathComponent.AnyIndex, PathComponent.OfProperty("entropy")],
            path.Components);
        Assert.Equal([PathComponent.OfProperty("protocols"), PathComponent.OfIndex(0)], PathOf("network-traffic:protocols[0]").Components);
        Assert.Equal([PathComponent.OfProperty("hashes"), PathComponent.OfProperty("SHA-256")], PathOf("file:hashes.'SHA-256'").Components);
        Assert.Equal([PathComponent.OfProperty("hashes"), PathComponent.OfProperty("ssdeep")], PathOf("file:hashes.ssdeep").Components);
        Assert.Equal([PathComponent.OfProperty("src_ref"), PathComponent.OfProperty("value")], PathOf("network-traffic:src_ref.value").Components);
        Assert.Equal([PathComponent.OfProperty("contains_refs"), PathComponent.AnyIndex, PathComponent.OfProperty("name")],
            PathOf("directory:contains_refs[*].name").Components);
        Assert.Equal([PathComponent.OfProperty("a"), PathComponent.OfIndex(-1), PathComponent.OfIndex(2147483647), PathComponent.OfIndex(-2147483648)],
            PathOf("x-y:a[-1][2147483647][-2147483648]").Components);
        Assert.Equal([PathComponent.OfProperty("hashes"), PathComponent.AnyIndex], PathOf("file:hashes[*]").Components);
    }

    [Theory]
    [InlineData("file:'name'", "name")]
    [InlineData("file:'it\\'s'", "it's")]
    [InlineData("file:'a\\\\b'", "a\\b")]
    [InlineData("file:''", "")]
    [InlineData("file:'AND'", "AND")]
    [InlineData("file:'名前'", "名前")]
    [InlineData("file:_", "_")]
    [InlineData("file:NAME_2", "NAME_2")]
    public void A_first_property_may_be_quoted(string path, string name)
    {
        Assert.Equal(name, PathOf(path).Components[0].Name);
    }

    [Theory]
    [InlineData("_x", "_x")]
    [InlineData("X-Y_z9", "X-Y_z9")]
    [InlineData("a-", "a-")]
    [InlineData("ipv4-addr", "ipv4-addr")]
    public void Object_types_are_identifiers_with_hyphens(string type, string expected)
    {
        Assert.Equal(expected, PathOf(type + ":p").ObjectType);
    }

    [Fact]
    public void Names_are_interned()
    {
        ObjectPath first = PathOf("ipv4-addr:value");
        ObjectPath second = PathOf("ipv4-addr:value");

        Assert.Same(first.ObjectType, second.ObjectType);
        Assert.Same(first.Components[0].Name, second.Components[0].Name);
        Assert.Same(PathOf("file:hashes.'SHA-256'").Components[1].Name, PathOf("file:hashes.'SHA-256'").Components[1].Name);
    }

    [Fact]
    public void Positions_point_at_each_node()
    {
        const string Text = "([file:size > 5 AND file:name IN ('a', 'b')] OR [file:x = t'2020-01-01T00:00:00Z']) WITHIN 5 SECONDS";
        Pattern pattern = Pattern.Parse(Text);

        var qualified = (QualifiedObservation)pattern.Root;
        var or = (CompoundObservation)qualified.Expression;
        var first = (SimpleObservation)or.Operands[0];
        var and = (CompoundComparison)first.Comparison;
        var set = (PropertyComparison)and.Operands[1];
        Assert.Equal(1, or.Position);
        Assert.Equal(1, first.Position);
        Assert.Equal(2, and.Position);
        Assert.Equal(Text.IndexOf("file:name", StringComparison.Ordinal), set.Position);
        Assert.Equal(Text.IndexOf('(', 2), set.Value.Position);
        Assert.Equal(Text.IndexOf("'b'", StringComparison.Ordinal), ((SetConstant)set.Value).Items[1].Position);
        Assert.Equal(Text.IndexOf("t'", StringComparison.Ordinal), ((PropertyComparison)((SimpleObservation)or.Operands[1]).Comparison).Value.Position);
        Assert.Equal(Text.IndexOf("WITHIN", StringComparison.Ordinal), qualified.Qualifiers[0].Position);
    }

    [Theory]
    [InlineData("[file:size = 1]")]
    [InlineData(" \t\r\n[\u00A0file:size\u2003=\u30001\u2028]\u0085\u000B\u000C\u1680\u202F\u205F\u2029")]
    [InlineData("/* leading */[file:size/**/= 1 // to the end of the line\n]/* trailing */")]
    [InlineData("[file:size = 1]// no line end")]
    public void Whitespace_is_the_unicode_white_space_set_and_comments_are_skipped(string text)
    {
        Assert.Equal("[file:size = 1]", Pattern.Parse(text).ToString());
    }

    [Fact]
    public void Keywords_are_case_sensitive_and_names_may_contain_them()
    {
        Assert.Equal("AND_x", PathOf("x-a:AND_x").Components[0].Name);
        Assert.Equal("and", PathOf("x-a:and").Components[0].Name);
        Assert.Equal("within", PathOf("x-a:within").Components[0].Name);
        Assert.Equal("True", PathOf("x-a:True").Components[0].Name);
        Assert.Equal("ANDROID", PathOf("ANDROID:x").ObjectType);
    }

    [Fact]
    public void Empty_sets_and_single_items_parse()
    {
        Assert.Empty(Assert.IsType<SetConstant>(Only("[file:size IN ()]").Value).Items);
        Assert.Single(Assert.IsType<SetConstant>(Only("[file:size IN (1)]").Value).Items);
        Assert.Equal(ImmutableArray.Create<PatternConstant>(new StringConstant("a"), new BooleanConstant(true), new IntegerConstant(-2)),
            Assert.IsType<SetConstant>(Only("[file:size IN ( 'a' ,true,-2 )]").Value).Items);
    }
}
