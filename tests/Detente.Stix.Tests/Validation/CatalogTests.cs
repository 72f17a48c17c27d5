using System.Reflection;
using Detente.Stix.Schema;
using Detente.Stix.Validation;

namespace Detente.Stix.Tests.Validation;

public sealed class CatalogTests
{
    [Theory]
    [InlineData("indicator", StixCategory.Sdo)]
    [InlineData("malware-analysis", StixCategory.Sdo)]
    [InlineData("relationship", StixCategory.Sro)]
    [InlineData("sighting", StixCategory.Sro)]
    [InlineData("ipv4-addr", StixCategory.Sco)]
    [InlineData("x509-certificate", StixCategory.Sco)]
    [InlineData("marking-definition", StixCategory.Meta)]
    [InlineData("language-content", StixCategory.Meta)]
    [InlineData("extension-definition", StixCategory.Meta)]
    [InlineData("bundle", StixCategory.Bundle)]
    public void Types_the_specification_defines_have_their_category(string type, StixCategory category)
    {
        Assert.True(StixCatalog.TryGetCategory(type, out StixCategory found));
        Assert.Equal(category, found);
        Assert.True(StixCatalog.TryGetCategory(("x" + type).AsSpan(1), out found));
        Assert.Equal(category, found);
        Assert.Equal(category, StixCatalog.GetCategory(type));
    }

    [Theory]
    [InlineData("x-acme-asset")]
    [InlineData("Indicator")]
    [InlineData("")]
    public void Other_types_are_custom(string type)
    {
        Assert.False(StixCatalog.TryGetCategory(type, out StixCategory category));
        Assert.Equal(StixCategory.Custom, category);
    }

    [Fact]
    public void The_catalog_holds_every_type_of_stix_21()
    {
        var counts = StixCatalog.Types.GroupBy(StixCatalog.GetCategory).ToDictionary(static g => g.Key, static g => g.Count());

        Assert.Equal(19, counts[StixCategory.Sdo]);
        Assert.Equal(2, counts[StixCategory.Sro]);
        Assert.Equal(18, counts[StixCategory.Sco]);
        Assert.Equal(3, counts[StixCategory.Meta]);
        Assert.Equal(1, counts[StixCategory.Bundle]);
    }

    [Fact]
    public void Null_type_is_a_caller_bug()
    {
        Assert.Throws<ArgumentNullException>(() => StixCatalog.TryGetCategory(null!, out _));
    }

    [Fact]
    public void Every_sco_describes_its_id_contributing_properties_with_properties_it_has()
    {
        foreach (string type in StixCatalog.Types)
        {
            Assert.True(StixCatalog.TryGetType(type, out TypeSpec? spec));
            foreach (string name in spec.IdContributing)
            {
                Assert.True(spec.Properties.TryGet(name, out _), $"{type}.{name}");
            }

            Assert.True(spec.Category == StixCategory.Sco || spec.IdContributing.Length == 0, type);
        }
    }

    [Fact]
    public void Every_rule_has_a_table_of_cases()
    {
        string[] rules = typeof(ValidationRules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral)
            .Select(static f => (string)f.GetRawConstantValue()!)
            .ToArray();
        var tested = new HashSet<string>(StringComparer.Ordinal);
        foreach (Type type in typeof(CatalogTests).Assembly.GetTypes().Where(static t => t.IsSubclassOf(typeof(ValidationTestBase))))
        {
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Static)
                         .Where(static p => p.PropertyType == typeof(TheoryData<string, string, string, string>)))
            {
                var table = (TheoryData<string, string, string, string>)property.GetValue(null)!;
                foreach (TheoryDataRow<string, string, string, string> row in table)
                {
                    tested.UnionWith(row.Data.Item3.Split(' '));
                }
            }
        }

        string[] untested = rules.Where(rule => !tested.Contains(rule)).ToArray();
        Assert.True(untested.Length == 0, "rules without cases: " + string.Join(", ", untested));
        Assert.Equal(rules.Length, rules.Distinct(StringComparer.Ordinal).Count());
    }
}
