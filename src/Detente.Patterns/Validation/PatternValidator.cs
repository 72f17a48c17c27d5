using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Stix.Validation;

namespace Detente.Patterns.Validation;

/// <summary>Checks the rules of STIX 2.1 §9 that the grammar does not: object types and properties, operator and
/// constant agreement, qualifier values, and that comparisons joined by AND can match one object.</summary>
/// <remarks>
/// Bad patterns never throw: every problem is returned, as an error or a warning with a rule id
/// (<see cref="PatternRules"/>). Stateless and thread-safe. <c>README.md</c> lists the judgement calls.
/// </remarks>
public static class PatternValidator
{
    /// <summary>Parses and validates a pattern; a syntax error is the one error <see cref="PatternRules.Syntax"/>.</summary>
    /// <param name="text">The pattern text.</param>
    /// <param name="version">The grammar: STIX 2.1 (default) or 2.0.</param>
    /// <param name="limits">Bounds on length and nesting; <see cref="PatternLimits.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not defined.</exception>
    public static PatternValidationResult Validate(string text, PatternVersion version = PatternVersion.V21, PatternLimits? limits = null)
    {
        Pattern pattern;
        try
        {
            pattern = Pattern.Parse(text, version, limits);
        }
        catch (PatternSyntaxException e)
        {
            var error = new PatternIssue(PatternRules.Syntax, e.Position, $"expected {e.Expected}, found {e.Found}");
            return new PatternValidationResult(null, e, [error], null);
        }

        return Validate(pattern);
    }

    /// <summary>Validates a parsed pattern.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is null.</exception>
    public static PatternValidationResult Validate(Pattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var checker = new Checker(pattern.Version);
        checker.Observation(pattern.Root);
        return new PatternValidationResult(pattern, null, InPatternOrder(checker.Errors), InPatternOrder(checker.Warnings));
    }

    /// <summary>Sorts issues by position, keeping the order in which issues at the same position were found.</summary>
    private static List<PatternIssue>? InPatternOrder(List<PatternIssue>? issues)
    {
        if (issues is null || issues.Count < 2)
        {
            return issues;
        }

        var keyed = new (int Position, int Found)[issues.Count];
        var items = issues.ToArray();
        for (int i = 0; i < keyed.Length; i++)
        {
            keyed[i] = (issues[i].Position, i);
        }

        Array.Sort(keyed, items); // the keys are distinct, so this unstable sort keeps the found order at equal positions
        issues.Clear();
        issues.AddRange(items);
        return issues;
    }

    /// <summary>One validation: walks the tree once, collecting issues.</summary>
    private sealed class Checker(PatternVersion version)
    {
        private readonly bool _useCatalog = version == PatternVersion.V21; // the catalog describes STIX 2.1 objects

        public List<PatternIssue>? Errors { get; private set; }

        public List<PatternIssue>? Warnings { get; private set; }

        public void Observation(ObservationExpression expression)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (expression)
            {
                case SimpleObservation simple:
                    ObjectTypes(simple.Comparison);
                    Comparisons(simple.Comparison);
                    break;
                case CompoundObservation compound:
                    foreach (ObservationExpression operand in compound.Operands)
                    {
                        Observation(operand);
                    }

                    break;
                case QualifiedObservation qualified:
                    Observation(qualified.Expression);
                    Qualifiers(qualified);
                    break;
            }
        }

        // Qualifiers (§9.5.1)

        private void Qualifiers(QualifiedObservation qualified)
        {
            bool within = false, repeats = false, startStop = false;
            foreach (PatternQualifier qualifier in qualified.Qualifiers)
            {
                bool seen;
                switch (qualifier)
                {
                    case WithinQualifier w:
                        seen = within;
                        within = true;
                        if (w.Seconds <= 0)
                        {
                            Error(PatternRules.WithinPositive, w, "WITHIN must be a positive number of seconds (§9.5.1)");
                        }

                        break;
                    case RepeatsQualifier r:
                        seen = repeats;
                        repeats = true;
                        if (r.Count <= 0)
                        {
                            Error(PatternRules.RepeatsPositive, r, "REPEATS must be a positive integer (§9.5.1)");
                        }

                        break;
                    default:
                        var s = (StartStopQualifier)qualifier;
                        seen = startStop;
                        startStop = true;
                        if (s.Start >= s.Stop)
                        {
                            Error(PatternRules.StartStopOrder, s, "START must be before STOP, or no observation time is in the window (§9.5.1)");
                        }

                        break;
                }

                if (seen)
                {
                    Error(PatternRules.DuplicateQualifier, qualifier,
                        "the observation expression already has a qualifier of this type; parenthesize to apply another (§9.5.1)");
                }
            }
        }

        // Object types joined by AND (§9.5)

        /// <summary>
        /// The object types that can satisfy <paramref name="expression"/>: a comparison, its object type; OR, the union;
        /// AND, the intersection, which must not be empty (§9.5: "All operands of AND in an Observation Expression MUST be
        /// satisfiable with the same object").
        /// </summary>
        private TypeSet ObjectTypes(ComparisonExpression expression)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (expression)
            {
                case PropertyComparison comparison:
                    return new TypeSet(comparison.Path.ObjectType);
                case ExistsComparison exists:
                    return new TypeSet(exists.Path.ObjectType);
            }

            var compound = (CompoundComparison)expression;
            TypeSet union = ObjectTypes(compound.Operands[0]);
            if (compound.Operator == BooleanOperator.Or)
            {
                for (int i = 1; i < compound.Operands.Length; i++)
                {
                    union = union.Union(ObjectTypes(compound.Operands[i]));
                }

                return union;
            }

            TypeSet intersection = union;
            for (int i = 1; i < compound.Operands.Length; i++)
            {
                TypeSet operand = ObjectTypes(compound.Operands[i]);
                union = union.Union(operand);
                intersection = intersection.Intersect(operand);
            }

            if (intersection.IsEmpty)
            {
                Error(PatternRules.AndObjectTypes, compound,
                    "comparison expressions joined by AND must be satisfiable by one object, but these name different object types; join those with OR (§9.5)");
                return union; // reported once, here: the enclosing expressions are judged as if it were satisfiable
            }

            if (intersection.Count < union.Count)
            {
                Warning(PatternRules.UnsatisfiableAlternative, compound,
                    "an operand of this AND allows object types that another operand excludes; comparisons on those types can never match (§9.5)");
            }

            return intersection;
        }

        // Comparison expressions

        private void Comparisons(ComparisonExpression expression)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            switch (expression)
            {
                case CompoundComparison compound:
                    foreach (ComparisonExpression operand in compound.Operands)
                    {
                        Comparisons(operand);
                    }

                    break;
                case ExistsComparison exists:
                    Path(exists.Path);
                    break;
                case PropertyComparison comparison:
                    Comparison(comparison);
                    break;
            }
        }

        private void Comparison(PropertyComparison comparison)
        {
            PathFacts facts = Path(comparison.Path);
            PatternConstant value = comparison.Value;
            switch (comparison.Operator)
            {
                case ComparisonOperator.In:
                    Set((SetConstant)value);
                    break;
                case ComparisonOperator.Matches:
                    RegularExpression((StringConstant)value);
                    break;
                case ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset:
                    string address = ((StringConstant)value).Value;
                    if (!StixSyntax.IsIpv4Value(address) && !StixSyntax.IsIpv6Value(address))
                    {
                        Error(PatternRules.SubsetValue, value, "ISSUBSET and ISSUPERSET take an IPv4 or IPv6 address or CIDR block (§9.6.1)");
                    }

                    if (facts.Resolved && !facts.IpValue)
                    {
                        Error(PatternRules.SubsetPath, comparison.Path,
                            "ISSUBSET and ISSUPERSET apply to the value of an ipv4-addr or ipv6-addr only (§9.6.1)");
                    }

                    break;
            }

            if (comparison.Operator is ComparisonOperator.Like or ComparisonOperator.Matches
                or ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset)
            {
                return; // patterns over strings, also used on binary properties (§9.6.1 MATCHES)
            }

            if (comparison.Operator is ComparisonOperator.Equal or ComparisonOperator.NotEqual or ComparisonOperator.In)
            {
                HashValues(comparison.Path, value);
            }

            if (facts.Resolved && facts.LeafType is StixValueType leafType)
            {
                if (value is SetConstant set)
                {
                    foreach (PatternConstant item in set.Items)
                    {
                        ConstantType(leafType, item);
                    }
                }
                else
                {
                    ConstantType(leafType, value);
                }
            }
        }

        private void ConstantType(StixValueType type, PatternConstant constant)
        {
            if (Comparable(type, constant) == false)
            {
                Warning(PatternRules.ConstantType, constant, string.Create(CultureInfo.InvariantCulture,
                    $"the property is of type {TypeName(type)}, which a {KindName(constant)} constant never equals (§9.2, §9.6.1)"));
            }
        }

        private void Set(SetConstant set)
        {
            if (set.Items.IsEmpty)
            {
                Error(PatternRules.SetEmpty, set, "IN needs at least one constant; nothing is in an empty set");
                return;
            }

            int kind = Kind(set.Items[0]);
            foreach (PatternConstant item in set.Items)
            {
                if (Kind(item) != kind)
                {
                    Error(PatternRules.SetMixed, item, "the constants of IN must be of one type (§9.6.1)");
                    return;
                }
            }
        }

        private void RegularExpression(StringConstant constant)
        {
            try
            {
                // The options the evaluator uses: DOTALL (§9.6.1), no culture. Constructing parses; it runs nothing.
                _ = new System.Text.RegularExpressions.Regex(constant.Value, RegexOptions.Singleline | RegexOptions.CultureInvariant);
            }
            catch (RegexParseException e)
            {
                Error(PatternRules.Regex, constant, string.Create(CultureInfo.InvariantCulture,
                    $"the MATCHES constant is not a regular expression: {e.Error} at offset {e.Offset} of the constant (§9.6.1)"));
            }
            catch (ArgumentException)
            {
                Error(PatternRules.Regex, constant, "the MATCHES constant is not a regular expression (§9.6.1)");
            }
        }

        /// <summary>Values compared with <c>…hashes.ALGORITHM</c> must be hashes of that algorithm, when it is a known one.</summary>
        private void HashValues(ObjectPath path, PatternConstant value)
        {
            int n = path.Components.Length;
            if (n < 2 || path.Components[^1].Kind != PathComponentKind.Property
                || path.Components[^2] is not { Kind: PathComponentKind.Property, Name: "hashes" })
            {
                return;
            }

            string algorithm = path.Components[^1].Name!;
            if (value is SetConstant set)
            {
                foreach (PatternConstant item in set.Items)
                {
                    HashValue(algorithm, item);
                }
            }
            else
            {
                HashValue(algorithm, value);
            }
        }

        private void HashValue(string algorithm, PatternConstant constant)
        {
            if (constant is StringConstant text && StixSyntax.CheckHashValue(algorithm, text.Value) is string expected)
            {
                Error(PatternRules.HashValue, constant, $"a hash of this algorithm is {expected} (§2.7)");
            }
        }

        // Object paths (§9.7)

        private PathFacts Path(ObjectPath path)
        {
            foreach (PathComponent component in path.Components)
            {
                if (component.Kind == PathComponentKind.Index && component.Index < 0)
                {
                    Warning(PatternRules.IndexNegative, path, "a negative list index selects nothing (§9.7.2)");
                    break;
                }
            }

            string type = path.ObjectType;
            if (!StixType.IsValidTypeName(type))
            {
                Error(PatternRules.ObjectTypeFormat, path,
                    "the object type is not a STIX type name: 3–250 characters of a–z, 0–9 and single hyphens (§3.1)");
                return default;
            }

            if (!StixCatalog.TryGetCategory(type, out StixCategory category))
            {
                if (!type.StartsWith("x-", StringComparison.Ordinal))
                {
                    Warning(PatternRules.ObjectTypeUnknown, path,
                        "the object type is not a STIX 2.1 Cyber-observable Object type, nor a custom type (x-…) (§9.7)");
                }

                return default;
            }

            if (category != StixCategory.Sco)
            {
                Warning(PatternRules.ObjectTypeNotSco, path,
                    $"{type} is not a Cyber-observable Object type; object paths name SCOs (§9.7)");
                return default;
            }

            return _useCatalog ? new PathWalk(this, path).Run() : default;
        }

        private static int Kind(PatternConstant constant) => constant switch
        {
            StringConstant => 0,
            IntegerConstant or FloatConstant => 1,
            BooleanConstant => 2,
            TimestampConstant => 3,
            _ => 4, // binary and hex
        };

        private static string KindName(PatternConstant constant) => Kind(constant) switch
        {
            0 => "string",
            1 => "numeric",
            2 => "boolean",
            3 => "timestamp",
            _ => "binary",
        };

        private static string TypeName(StixValueType type) => type switch
        {
            StixValueType.Identifier => "identifier (compared as a string)",
            _ => type.ToString().ToLowerInvariant(),
        };

        /// <summary>Whether a constant is comparable with a property (§9.2 "STIX Comparable Data Types"); null when the
        /// property's values are not of one scalar type.</summary>
        private static bool? Comparable(StixValueType type, PatternConstant constant) => type switch
        {
            StixValueType.String or StixValueType.Identifier => constant is StringConstant,
            StixValueType.Integer or StixValueType.Float => constant is IntegerConstant or FloatConstant,
            StixValueType.Boolean => constant is BooleanConstant,
            StixValueType.Timestamp => constant is TimestampConstant,
            StixValueType.Binary or StixValueType.Hex => constant is BinaryConstant or StringConstant,
            _ => null,
        };

        public void Error(string rule, PatternNode node, string message) =>
            (Errors ??= []).Add(new PatternIssue(rule, node.Position, message));

        public void Warning(string rule, PatternNode node, string message) =>
            (Warnings ??= []).Add(new PatternIssue(rule, node.Position, message));

        /// <summary>Follows an object path through the STIX 2.1 catalog, warning about names it does not define.</summary>
        private readonly struct PathWalk(Checker checker, ObjectPath path)
        {
            public PathFacts Run()
            {
                // What the path has reached: the properties (several when a reference may point to several types), and
                // whether the value is still a whole list (no index yet).
                List<StixPropertyInfo> current = [];
                List<string> owners = [];
                string type = path.ObjectType;
                string first = path.Components[0].Name!;
                if (!StixCatalog.TryGetProperty(type, first, out StixPropertyInfo? property))
                {
                    if (!first.StartsWith("x_", StringComparison.Ordinal))
                    {
                        checker.Warning(PatternRules.PropertyUnknown, path,
                            $"the first property is not one STIX 2.1 defines for {type}, nor a custom property (x_…) (§9.7)");
                    }

                    return default;
                }

                current.Add(property);
                owners.Add(type);
                bool whole = property.IsList;
                bool hashValue = false;
                for (int i = 1; i < path.Components.Length; i++)
                {
                    PathComponent component = path.Components[i];
                    if (hashValue)
                    {
                        return default; // a hash value is a string: nothing is below it (no verdict)
                    }

                    if (component.Kind != PathComponentKind.Property)
                    {
                        if (!whole)
                        {
                            return default; // an index into something that is not a list (e.g. hashes[*]): no verdict
                        }

                        whole = false;
                        continue;
                    }

                    string name = component.Name!;
                    var next = new List<StixPropertyInfo>(1);
                    owners.Clear();
                    bool open = false;
                    foreach (StixPropertyInfo at in current)
                    {
                        switch (at.ValueType)
                        {
                            case StixValueType.Hashes:
                                hashValue = true;
                                break;
                            case StixValueType.Object or StixValueType.Extensions when at.HasMembers:
                                if (at.TryGetMember(name, out StixPropertyInfo? member))
                                {
                                    next.Add(member);
                                }
                                else if (at.ValueType == StixValueType.Extensions
                                    ? name.StartsWith("extension-definition--", StringComparison.Ordinal) || name.EndsWith("-ext", StringComparison.Ordinal)
                                    : name.StartsWith("x_", StringComparison.Ordinal))
                                {
                                    open = true; // an extension or a custom property the catalog cannot know
                                }

                                break;
                            case StixValueType.Identifier when at.ReferenceTypes.Count > 0:
                                foreach (string target in at.ReferenceTypes)
                                {
                                    if (StixCatalog.TryGetProperty(target, name, out StixPropertyInfo? dereferenced))
                                    {
                                        next.Add(dereferenced);
                                        owners.Add(target);
                                    }
                                }

                                open |= name.StartsWith("x_", StringComparison.Ordinal);
                                break;
                            case StixValueType.Identifier or StixValueType.Dictionary or StixValueType.Object or StixValueType.Extensions:
                                open = true; // any SCO, any key, an untyped object: nothing to check against
                                break;
                            default:
                                break; // a scalar has no members
                        }
                    }

                    if (hashValue)
                    {
                        continue;
                    }

                    if (next.Count == 0)
                    {
                        if (!open)
                        {
                            checker.Warning(PatternRules.PropertyUnknown, path, string.Create(CultureInfo.InvariantCulture,
                                $"component {i + 1} of the path is not a member STIX 2.1 defines under {current[0].Name}, nor a custom one (§9.7)"));
                        }

                        return default;
                    }

                    current = next;
                    whole = next[0].IsList;
                }

                if (hashValue)
                {
                    return new PathFacts(true, StixValueType.String, false);
                }

                StixValueType leaf = current[0].ValueType;
                foreach (StixPropertyInfo info in current)
                {
                    if (info.ValueType != leaf || info.IsList != current[0].IsList)
                    {
                        return new PathFacts(true, null, false);
                    }
                }

                bool ipValue = current[0].Name == "value" && (owners.Contains("ipv4-addr") || owners.Contains("ipv6-addr"));

                // A whole list compared with one constant: §9.7.2 asks for an index; no verdict on the type.
                return new PathFacts(true, whole ? null : leaf, ipValue);
            }
        }
    }

    /// <summary>What the catalog says about the value an object path reaches.</summary>
    /// <param name="Resolved">True when the catalog describes the whole path (a STIX 2.1 SCO, no custom or open part).</param>
    /// <param name="LeafType">The type of the value compared, when one scalar type.</param>
    /// <param name="IpValue">True when the value is the <c>value</c> of an ipv4-addr or ipv6-addr.</param>
    private readonly record struct PathFacts(bool Resolved, StixValueType? LeafType, bool IpValue);

    /// <summary>A set of object types, without allocating for the usual single type.</summary>
    private readonly struct TypeSet
    {
        private readonly string? _single;
        private readonly HashSet<string>? _many;

        public TypeSet(string single)
        {
            _single = single;
        }

        private TypeSet(HashSet<string> many)
        {
            _many = many;
        }

        public int Count => _many?.Count ?? (_single is null ? 0 : 1);

        public bool IsEmpty => Count == 0;

        public TypeSet Union(TypeSet other)
        {
            if (_single is not null && other._single is not null && _single == other._single)
            {
                return this;
            }

            var many = new HashSet<string>(StringComparer.Ordinal);
            AddTo(many);
            other.AddTo(many);
            return new TypeSet(many);
        }

        public TypeSet Intersect(TypeSet other)
        {
            if (_single is not null && other._single is not null)
            {
                return _single == other._single ? this : default;
            }

            var mine = new HashSet<string>(StringComparer.Ordinal);
            AddTo(mine);
            var result = new HashSet<string>(StringComparer.Ordinal);
            other.AddTo(result);
            result.IntersectWith(mine);
            return new TypeSet(result);
        }

        private void AddTo(HashSet<string> set)
        {
            if (_single is not null)
            {
                set.Add(_single);
            }
            else if (_many is not null)
            {
                set.UnionWith(_many);
            }
        }
    }
}
