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

    [Fact]
    public void Properties_are_described_with_their_types_and_members()
    {
        Assert.True(StixCatalog.TryGetProperty("file", "size", out StixPropertyInfo? size));
        Assert.Equal(StixValueType.Integer, size.ValueType);
        Assert.False(size.IsList);
        Assert.False(size.HasMembers);

        Assert.True(StixCatalog.TryGetProperty("file", "hashes", out StixPropertyInfo? hashes));
        Assert.Equal(StixValueType.Hashes, hashes.ValueType);

        Assert.True(StixCatalog.TryGetProperty("file", "extensions", out StixPropertyInfo? extensions));
        Assert.Equal(StixValueType.Extensions, extensions.ValueType);
        Assert.True(extensions.TryGetMember("windows-pebinary-ext", out StixPropertyInfo? pe));
        Assert.Equal(StixValueType.Object, pe.ValueType);
        Assert.True(pe.TryGetMember("sections", out StixPropertyInfo? sections));
        Assert.True(sections.IsList);
        Assert.Equal(StixValueType.Object, sections.ValueType);
        Assert.True(sections.TryGetMember("entropy", out StixPropertyInfo? entropy));
        Assert.Equal(StixValueType.Float, entropy.ValueType);
        Assert.False(extensions.TryGetMember("http-request-ext", out _)); // network-traffic's, not file's

        Assert.True(StixCatalog.TryGetProperty("network-traffic", "src_ref", out StixPropertyInfo? source));
        Assert.Equal(StixValueType.Identifier, source.ValueType);
        Assert.Equal(["domain-name", "ipv4-addr", "ipv6-addr", "mac-addr"], source.ReferenceTypes.Order(StringComparer.Ordinal));
        Assert.True(StixCatalog.TryGetProperty("network-traffic", "protocols", out StixPropertyInfo? protocols));
        Assert.True(protocols.IsList);
        Assert.Equal(StixValueType.String, protocols.ValueType);

        Assert.True(StixCatalog.TryGetProperty("file", "contains_refs", out StixPropertyInfo? contains));
        Assert.Empty(contains.ReferenceTypes); // any SCO
        Assert.True(StixCatalog.TryGetProperty("artifact", "payload_bin", out StixPropertyInfo? payload));
        Assert.Equal(StixValueType.Binary, payload.ValueType);
        Assert.True(StixCatalog.TryGetProperty("file", "magic_number_hex", out StixPropertyInfo? magic));
        Assert.Equal(StixValueType.Hex, magic.ValueType);
        Assert.True(StixCatalog.TryGetProperty("file", "ctime", out StixPropertyInfo? ctime));
        Assert.Equal(StixValueType.Timestamp, ctime.ValueType);
        Assert.True(StixCatalog.TryGetProperty("user-account", "account_type", out StixPropertyInfo? accountType));
        Assert.Equal(StixValueType.String, accountType.ValueType);
        Assert.Same(size, StixCatalog.TryGetProperty("file", "size", out StixPropertyInfo? again) ? again : null);
    }

    [Theory]
    [InlineData("file", "labels")] // a common property SCOs do not use (§3.2)
    [InlineData("file", "x_custom")]
    [InlineData("x-acme-asset", "name")]
    [InlineData("indicator", "defanged")] // prohibited outside SCOs
    public void Unknown_and_unused_properties_are_not_described(string type, string name)
    {
        Assert.False(StixCatalog.TryGetProperty(type, name, out StixPropertyInfo? property));
        Assert.Null(property);
    }

    [Fact]
    public void Property_lookups_refuse_null()
    {
        Assert.Throws<ArgumentNullException>(() => StixCatalog.TryGetProperty(null!, "x", out _));
        Assert.Throws<ArgumentNullException>(() => StixCatalog.TryGetProperty("file", null!, out _));
        Assert.True(StixCatalog.TryGetProperty("file", "size", out StixPropertyInfo? size));
        Assert.Throws<ArgumentNullException>(() => size.TryGetMember(null!, out _));
    }

    [Theory]
    [InlineData("MD5", "cead3f77f6cda6ec00f57d76c9a6879f", null)]
    [InlineData("md5", "cead3f77", "32 hexadecimal digits")]
    [InlineData("SHA-256", "f00", "64 hexadecimal digits")]
    [InlineData("sha256", "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f", null)]
    [InlineData("x-custom", "anything", null)]
    public void Hash_values_are_checked_against_the_normalized_algorithm(string algorithm, string value, string? expected)
    {
        Assert.Equal(expected, StixSyntax.CheckHashValue(algorithm, value));
    }

    [Theory]
    [InlineData("198.51.100.3", true, false)]
    [InlineData("198.51.100.0/24", true, false)]
    [InlineData("2001:db8::/32", false, true)]
    [InlineData("2001:0db8:dead:beef:0000:0000:0000:0000/64", false, true)]
    [InlineData("300.1.2.3", false, false)]
    [InlineData("10.0.0.1/33", false, false)]
    [InlineData("example.com", false, false)]
    public void Ip_values_are_checked_as_the_validator_does(string value, bool ipv4, bool ipv6)
    {
        Assert.Equal(ipv4, StixSyntax.IsIpv4Value(value));
        Assert.Equal(ipv6, StixSyntax.IsIpv6Value(value));
    }
}
