using System.Collections.Immutable;
using Detente.Stix;

namespace Detente.Patterns.Tests;

/// <summary>The syntax tree's public types: structurally equal, and refusing trees the grammar cannot write (immutability: Detente.Architecture.Tests).</summary>
public sealed class SyntaxTreeTests
{
    private static readonly ObjectPath s_path = new("file", PathComponent.OfProperty("size"));

    [Fact]
    public void Equality_is_structural_and_ignores_positions()
    {
        Pattern a = Pattern.Parse("[file:size = 1 OR file:name = 'x']");
        Pattern b = Pattern.Parse("  [ file:size == 1  OR  file:name = 'x' ]");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(-1, a.Root.Position);
        Assert.Equal(new IntegerConstant(5) { Position = 3 }, new IntegerConstant(5));
        Assert.NotEqual<PatternNode>(new IntegerConstant(5), new FloatConstant(5));
        Assert.NotEqual(new FloatConstant(0.0), new FloatConstant(-0.0)); // they print differently
        Assert.Equal(new FloatConstant(0.5), new FloatConstant(0.5));
        Assert.NotEqual(new TimestampConstant(StixTimestamp.Parse("2020-01-01T00:00:00Z")), new TimestampConstant(StixTimestamp.Parse("2020-01-01T00:00:00.000Z")));
        Assert.Equal(new TimestampConstant(StixTimestamp.Parse("2020-01-01T00:00:00.1Z")), new TimestampConstant(StixTimestamp.Parse("2020-01-01T00:00:00.1Z")));
        Assert.NotEqual(Pattern.Parse("[file:size = 1]"), Pattern.Parse("[file:size NOT = 1]"));
        Assert.NotEqual(Pattern.Parse("[file:size = 1]"), Pattern.Parse("[file:size = 1]", PatternVersion.V20));
        Assert.False(a.Equals(null));
        Assert.False(a.Root.Equals((object)"[file:size = 1]"));
    }

    [Fact]
    public void Constructors_refuse_trees_the_grammar_cannot_write()
    {
        Assert.Throws<ArgumentException>(() => new ObjectPath("has space", PathComponent.OfProperty("p")));
        Assert.Throws<ArgumentException>(() => new ObjectPath("AND", PathComponent.OfProperty("p")));
        Assert.Throws<ArgumentException>(() => new ObjectPath("EXISTS", PathComponent.OfProperty("p")));
        Assert.Throws<ArgumentException>(() => new ObjectPath("1abc", PathComponent.OfProperty("p")));
        Assert.Throws<ArgumentException>(() => new ObjectPath("file"));
        Assert.Throws<ArgumentException>(() => new ObjectPath("file", PathComponent.AnyIndex));
        Assert.Throws<ArgumentNullException>(() => new ObjectPath("file", PathComponent.OfProperty("p"), default));
        Assert.Throws<ArgumentNullException>(() => PathComponent.OfProperty(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntegerConstant(IntegerConstant.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConstant(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FloatConstant(double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => new TimestampConstant(default));
        Assert.Throws<ArgumentException>(() => new BinaryConstant(ImmutableArray<byte>.Empty, BinaryEncoding.Base64));
        Assert.Throws<ArgumentException>(() => new BinaryConstant(default, BinaryEncoding.Hex));
        Assert.Throws<ArgumentException>(() => new SetConstant(new SetConstant()));
        Assert.Throws<ArgumentException>(() => new PropertyComparison(s_path, ComparisonOperator.In, new IntegerConstant(1)));
        Assert.Throws<ArgumentException>(() => new PropertyComparison(s_path, ComparisonOperator.Equal, new SetConstant()));
        Assert.Throws<ArgumentException>(() => new PropertyComparison(s_path, ComparisonOperator.Like, new IntegerConstant(1)));
        Assert.Throws<ArgumentException>(() => new PropertyComparison(s_path, ComparisonOperator.GreaterThan, new BooleanConstant(true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PropertyComparison(s_path, (ComparisonOperator)99, new IntegerConstant(1)));
        Assert.Throws<ArgumentException>(() => new CompoundComparison(BooleanOperator.And, new ExistsComparison(s_path)));
        Assert.Throws<ArgumentException>(() => new CompoundObservation(ObservationOperator.And));
        Assert.Throws<ArgumentNullException>(() => new CompoundObservation(ObservationOperator.And, null!, null!));
        Assert.Throws<ArgumentException>(() => new QualifiedObservation(new SimpleObservation(new ExistsComparison(s_path))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WithinQualifier(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WithinQualifier(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RepeatsQualifier(-1));
        Assert.Throws<ArgumentException>(() => new StartStopQualifier(default, StixTimestamp.Parse("2020-01-01T00:00:00Z")));
        Assert.Throws<ArgumentNullException>(() => new Pattern(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pattern(new SimpleObservation(new ExistsComparison(s_path)), (PatternVersion)9));
    }

    [Fact]
    public void Path_components_are_values()
    {
        Assert.Equal(PathComponentKind.Property, PathComponent.OfProperty("x").Kind);
        Assert.Equal(PathComponentKind.Index, PathComponent.OfIndex(3).Kind);
        Assert.Equal(3, PathComponent.OfIndex(3).Index);
        Assert.Null(PathComponent.OfIndex(3).Name);
        Assert.Equal(PathComponentKind.AnyIndex, PathComponent.AnyIndex.Kind);
        Assert.True(PathComponent.OfProperty("x") == PathComponent.OfProperty("x"));
        Assert.True(PathComponent.OfIndex(0) != PathComponent.AnyIndex);
        Assert.Equal(PathComponent.OfProperty("x").GetHashCode(), PathComponent.OfProperty("x").GetHashCode());
    }
}
