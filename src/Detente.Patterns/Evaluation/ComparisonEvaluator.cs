using System.Runtime.CompilerServices;
using System.Text;
using Detente.Patterns.Indexing;
using Detente.Patterns.Observations;
using Detente.Patterns.Telemetry;
using Detente.Stix;
using Detente.Stix.Json;

namespace Detente.Patterns.Evaluation;

/// <summary>
/// Decides whether a comparison expression (the inside of one <c>[…]</c>) holds for an observation (STIX 2.1 §9.6): some
/// object of the observation satisfies it, every operand of an <c>AND</c> on that same object.
/// </summary>
/// <remarks>
/// <para>An object path is followed from each object of its type (<see cref="Observation.OfType"/>): property names,
/// dictionary keys and extensions step into objects; <c>[n]</c> takes one list item, <c>[*]</c> every item; a property
/// named <c>*_ref</c>, or an item of a <c>*_refs</c> list, is resolved through <see cref="Observation.Resolve"/> when the
/// path continues past it, and compared as the reference string when the path ends there. A comparison holds when one
/// of the values the path reaches satisfies it (<c>NOT</c> negates each value's result); a path that reaches nothing makes
/// every comparison false, <c>!=</c> and <c>NOT</c> included, and <c>NOT EXISTS</c> true.</para>
/// <para>The value rules (types, hashes, addresses, binary properties) are in the "Evaluation semantics" table of the
/// library's README. Instances hold no state; compiled <c>LIKE</c> and <c>MATCHES</c> constants are cached per
/// comparison node. Thread-safe.</para>
/// </remarks>
public static class ComparisonEvaluator
{
    private static readonly ConditionalWeakTable<PropertyComparison, object> s_compiled = [];
    private static readonly ConditionalWeakTable<ComparisonExpression, string[]> s_types = [];

    /// <summary>True when some object of <paramref name="observation"/> satisfies <paramref name="comparison"/>.</summary>
    /// <remarks>A comparison that cannot be decided (<see cref="ComparisonOutcome.Unknown"/>) is not a match here; use
    /// <see cref="Evaluate"/> to tell the two apart.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static bool Matches(ComparisonExpression comparison, Observation observation) =>
        Evaluate(comparison, observation, out _) == ComparisonOutcome.True;

    /// <summary>Evaluates <paramref name="comparison"/> on the objects of <paramref name="observation"/>.</summary>
    /// <param name="comparison">The comparison expression.</param>
    /// <param name="observation">The observation.</param>
    /// <param name="reason">Why the outcome is <see cref="ComparisonOutcome.Unknown"/>; otherwise null.</param>
    /// <returns><see cref="ComparisonOutcome.True"/> when some object satisfies it; <see cref="ComparisonOutcome.Unknown"/>
    /// when none does but some could not be decided; otherwise <see cref="ComparisonOutcome.False"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static ComparisonOutcome Evaluate(ComparisonExpression comparison, Observation observation, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(observation);
        reason = null;
        string[] types = s_types.GetValue(comparison, static c =>
        {
            var list = new List<string>(2);
            CollectTypes(c, list);
            return [.. list];
        });
        ComparisonOutcome result = ComparisonOutcome.False;
        foreach (string type in types)
        {
            foreach (ObservedObject root in observation.OfType(type))
            {
                switch (EvaluateOn(comparison, observation, root, ref reason))
                {
                    case ComparisonOutcome.True:
                        reason = null;
                        return ComparisonOutcome.True;
                    case ComparisonOutcome.Unknown:
                        result = ComparisonOutcome.Unknown;
                        break;
                }
            }
        }

        return result;
    }

    /// <summary>The object types the comparison's paths start from, each once.</summary>
    private static void CollectTypes(ComparisonExpression comparison, List<string> types)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (comparison)
        {
            case CompoundComparison compound:
                foreach (ComparisonExpression operand in compound.Operands)
                {
                    CollectTypes(operand, types);
                }

                break;
            case PropertyComparison property:
                AddType(property.Path.ObjectType, types);
                break;
            case ExistsComparison exists:
                AddType(exists.Path.ObjectType, types);
                break;
        }

        static void AddType(string type, List<string> types)
        {
            if (!types.Contains(type))
            {
                types.Add(type);
            }
        }
    }

    /// <summary>The comparison on one root object (Kleene AND / OR over the operands).</summary>
    internal static ComparisonOutcome EvaluateOn(ComparisonExpression comparison, Observation observation, ObservedObject root, ref string? reason)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (comparison)
        {
            case CompoundComparison compound:
                bool and = compound.Operator == BooleanOperator.And;
                ComparisonOutcome result = and ? ComparisonOutcome.True : ComparisonOutcome.False;
                foreach (ComparisonExpression operand in compound.Operands)
                {
                    ComparisonOutcome o = EvaluateOn(operand, observation, root, ref reason);
                    if (o == ComparisonOutcome.Unknown)
                    {
                        result = ComparisonOutcome.Unknown;
                    }
                    else if (and ? o == ComparisonOutcome.False : o == ComparisonOutcome.True)
                    {
                        return o;
                    }
                }

                return result;
            case PropertyComparison property:
                if (!string.Equals(property.Path.ObjectType, root.Type, StringComparison.Ordinal))
                {
                    return ComparisonOutcome.False;
                }

                var test = new ValueTest(property);
                ComparisonOutcome outcome = Walk(property.Path, 0, new PathValue(root.Json, root.Type, null, false, false, false), observation, ref test);
                if (outcome == ComparisonOutcome.Unknown)
                {
                    reason ??= test.Reason;
                }

                return outcome;
            case ExistsComparison exists:
                if (!string.Equals(exists.Path.ObjectType, root.Type, StringComparison.Ordinal))
                {
                    return ComparisonOutcome.False;
                }

                var found = new ValueTest(null);
                bool any = Walk(exists.Path, 0, new PathValue(root.Json, root.Type, null, false, false, false), observation, ref found) == ComparisonOutcome.True;
                return any != exists.Negated ? ComparisonOutcome.True : ComparisonOutcome.False;
            default:
                throw new ArgumentException("Not a comparison expression this evaluator knows.", nameof(comparison));
        }
    }

    /// <summary>A value reached by a path, with what the comparison needs to know about where it came from.</summary>
    /// <param name="Value">The JSON value.</param>
    /// <param name="OwnerType">The type of the object whose property (or a part of it) the value is.</param>
    /// <param name="Property">The name of the last property or key stepped through; null at the root.</param>
    /// <param name="IsReference">True for a <c>*_ref</c> value or an item of a <c>*_refs</c> list (a reference string).</param>
    /// <param name="IsReferenceList">True for the value of a <c>*_refs</c> property (its items are references).</param>
    /// <param name="IsHashValue">True when the value is the value of a key of a <c>hashes</c> dictionary.</param>
    private readonly record struct PathValue(JsonValue Value, string OwnerType, string? Property, bool IsReference, bool IsReferenceList, bool IsHashValue);

    /// <summary>Follows the path from <paramref name="current"/>; true as soon as one reached value passes the test (Kleene OR).</summary>
    private static ComparisonOutcome Walk(ObjectPath path, int index, PathValue current, Observation observation, ref ValueTest test)
    {
        if (index == path.Components.Length)
        {
            return test.Test(current);
        }

        PathComponent component = path.Components[index];
        switch (component.Kind)
        {
            case PathComponentKind.Property:
            {
                JsonValue value = current.Value;
                string ownerType = current.OwnerType;
                if (current.IsReference && value is JsonString reference)
                {
                    // The path continues past a reference: step into the object it names.
                    if (observation.Resolve(reference.Value) is not ObservedObject target)
                    {
                        return ComparisonOutcome.False;
                    }

                    value = target.Json;
                    ownerType = target.Type;
                }

                if (value is not JsonObject o)
                {
                    return ComparisonOutcome.False;
                }

                string name = component.Name!;
                bool inHashes = index > 0 && string.Equals(current.Property, "hashes", StringComparison.Ordinal) && !current.IsHashValue;
                JsonValue? next = o[name] ?? (inHashes ? HashKey(o, name) : null);
                if (next is null)
                {
                    return ComparisonOutcome.False;
                }

                bool single = name.EndsWith("_ref", StringComparison.Ordinal);
                bool list = name.EndsWith("_refs", StringComparison.Ordinal);
                var step = new PathValue(next, ownerType, name, single && next is JsonString, list && next is JsonArray, inHashes);
                return Walk(path, index + 1, step, observation, ref test);
            }

            case PathComponentKind.Index:
            {
                if (current.Value is not JsonArray array || component.Index < 0 || component.Index >= array.Count)
                {
                    return ComparisonOutcome.False;
                }

                var item = new PathValue(array[component.Index], current.OwnerType, current.Property, current.IsReferenceList && array[component.Index] is JsonString, false, false);
                return Walk(path, index + 1, item, observation, ref test);
            }

            default:
            {
                if (current.Value is not JsonArray array)
                {
                    return ComparisonOutcome.False;
                }

                ComparisonOutcome result = ComparisonOutcome.False;
                foreach (JsonValue element in array)
                {
                    var item = new PathValue(element, current.OwnerType, current.Property, current.IsReferenceList && element is JsonString, false, false);
                    ComparisonOutcome o = Walk(path, index + 1, item, observation, ref test);
                    if (o == ComparisonOutcome.True)
                    {
                        return o;
                    }

                    if (o == ComparisonOutcome.Unknown)
                    {
                        result = o;
                    }
                }

                return result;
            }
        }
    }

    /// <summary>
    /// A key of a <c>hashes</c> dictionary that names the same algorithm as <paramref name="name"/> when spelled
    /// differently: compared ignoring case, hyphens and underscores (<c>sha256</c>, <c>SHA_256</c> and <c>SHA-256</c>).
    /// </summary>
    internal static JsonValue? HashKey(JsonObject hashes, string name)
    {
        string wanted = HashAlgorithmKey(name);
        foreach (KeyValuePair<string, JsonValue> member in hashes)
        {
            if (string.Equals(HashAlgorithmKey(member.Key), wanted, StringComparison.Ordinal))
            {
                return member.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// The form in which two spellings of one hash algorithm are equal: upper case, without hyphens and underscores. The
    /// compiled matcher groups its indexes by it, so that it finds the same keys as the evaluator.
    /// </summary>
    internal static string HashAlgorithmKey(string name) =>
        name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The test of one comparison on one value; <c>null</c> comparison: the value exists.</summary>
    private struct ValueTest(PropertyComparison? comparison)
    {
        private readonly PropertyComparison? _comparison = comparison;

        public string? Reason { get; private set; }

        public ComparisonOutcome Test(PathValue value)
        {
            if (_comparison is null)
            {
                return ComparisonOutcome.True;
            }

            ComparisonOutcome outcome = Compare(_comparison, value);
            if (_comparison.Negated && outcome != ComparisonOutcome.Unknown)
            {
                outcome = outcome == ComparisonOutcome.True ? ComparisonOutcome.False : ComparisonOutcome.True;
            }

            return outcome;
        }

        private ComparisonOutcome Compare(PropertyComparison comparison, PathValue value)
        {
            switch (comparison.Operator)
            {
                case ComparisonOperator.Equal:
                    return Equal(comparison.Value, value);
                case ComparisonOperator.NotEqual:
                {
                    ComparisonOutcome equal = Equal(comparison.Value, value);
                    return equal switch
                    {
                        ComparisonOutcome.True => ComparisonOutcome.False,
                        ComparisonOutcome.False when Comparable(comparison.Value, value) => ComparisonOutcome.True,
                        _ => equal,
                    };
                }

                case ComparisonOperator.In:
                {
                    ComparisonOutcome result = ComparisonOutcome.False;
                    foreach (PatternConstant item in ((SetConstant)comparison.Value).Items)
                    {
                        ComparisonOutcome o = Equal(item, value);
                        if (o == ComparisonOutcome.True)
                        {
                            return o;
                        }

                        if (o == ComparisonOutcome.Unknown)
                        {
                            result = o;
                        }
                    }

                    return result;
                }

                case ComparisonOperator.Like:
                    return Like(comparison, value);
                case ComparisonOperator.Matches:
                    return Regex(comparison, value);
                case ComparisonOperator.IsSubset:
                case ComparisonOperator.IsSuperset:
                    return Subset(comparison, value);
                default:
                {
                    int? order = Order(comparison.Value, value, out bool unknown);
                    if (order is not int c)
                    {
                        return unknown ? ComparisonOutcome.Unknown : ComparisonOutcome.False;
                    }

                    bool holds = comparison.Operator switch
                    {
                        ComparisonOperator.GreaterThan => c > 0,
                        ComparisonOperator.LessThan => c < 0,
                        ComparisonOperator.GreaterThanOrEqual => c >= 0,
                        _ => c <= 0,
                    };
                    return holds ? ComparisonOutcome.True : ComparisonOutcome.False;
                }
            }
        }

        /// <summary>True when the constant and the value are of types <c>!=</c> can compare (so that "not equal" is true).</summary>
        /// <remarks>Binary and strings compare only when the string's code points are all below U+0100 (§9.2).</remarks>
        private static bool Comparable(PatternConstant constant, PathValue value) => constant switch
        {
            StringConstant s => value.Value is JsonString && (!IsBinaryProperty(value) || value.IsReference || Latin1(s.Value) is not null),
            IntegerConstant or FloatConstant => value.Value is JsonNumber,
            BooleanConstant => value.Value.Kind is JsonKind.True or JsonKind.False,
            TimestampConstant => value.Value is JsonString,
            BinaryConstant => value.Value is JsonString text && ((IsBinaryProperty(value) && !value.IsReference) || Latin1(text.Value) is not null),
            _ => false,
        };

        private ComparisonOutcome Equal(PatternConstant constant, PathValue value)
        {
            switch (constant)
            {
                case StringConstant s:
                    if (value.Value is not JsonString text)
                    {
                        return ComparisonOutcome.False;
                    }

                    if (IsBinaryProperty(value) && !value.IsReference)
                    {
                        if (!TryDecode(value, text.Value, out byte[]? bytes))
                        {
                            return ComparisonOutcome.Unknown;
                        }

                        return Latin1(s.Value) is byte[] b && b.AsSpan().SequenceEqual(bytes) ? ComparisonOutcome.True : ComparisonOutcome.False;
                    }

                    if (value.IsHashValue)
                    {
                        return Truth(HashesEqual(text.Value, s.Value));
                    }

                    if (IsAddressValue(value))
                    {
                        return Truth(FieldValues.AddressesEqual(text.Value, s.Value));
                    }

                    return Truth(string.Equals(text.Value, s.Value, StringComparison.Ordinal));
                case IntegerConstant i:
                    return Truth(value.Value is JsonNumber n && n.Value == i.Value);
                case FloatConstant f:
                    return Truth(value.Value is JsonNumber m && m.Value == f.Value);
                case BooleanConstant flag:
                    return Truth(value.Value.Kind == (flag.Value ? JsonKind.True : JsonKind.False));
                case TimestampConstant t:
                {
                    StixTimestamp? ts = ReadTimestamp(value, out bool unknown);
                    return ts is StixTimestamp time ? Truth(time == t.Value) : unknown ? ComparisonOutcome.Unknown : ComparisonOutcome.False;
                }

                case BinaryConstant bin:
                {
                    byte[]? data = ReadBytes(value, out bool unknown);
                    return data is not null ? Truth(bin.Value.AsSpan().SequenceEqual(data)) : unknown ? ComparisonOutcome.Unknown : ComparisonOutcome.False;
                }

                default:
                    return ComparisonOutcome.False;
            }
        }

        /// <summary>The order of the value relative to the constant (value − constant), or null when they do not compare.</summary>
        private int? Order(PatternConstant constant, PathValue value, out bool unknown)
        {
            unknown = false;
            switch (constant)
            {
                case StringConstant s:
                    if (value.Value is not JsonString text)
                    {
                        return null;
                    }

                    if (IsBinaryProperty(value) && !value.IsReference)
                    {
                        if (!TryDecode(value, text.Value, out byte[]? bytes))
                        {
                            unknown = true;
                            return null;
                        }

                        return Latin1(s.Value) is byte[] b ? Math.Sign(bytes.AsSpan().SequenceCompareTo(b)) : null;
                    }

                    return CompareCodePoints(text.Value, s.Value);
                case IntegerConstant i:
                    return value.Value is JsonNumber n ? n.Value.CompareTo((double)i.Value) : null;
                case FloatConstant f:
                    return value.Value is JsonNumber m ? m.Value.CompareTo(f.Value) : null;
                case TimestampConstant t:
                    return ReadTimestamp(value, out unknown) is StixTimestamp ts ? ts.CompareTo(t.Value) : null;
                case BinaryConstant bin:
                    return ReadBytes(value, out unknown) is byte[] data ? Math.Sign(data.AsSpan().SequenceCompareTo(bin.Value.AsSpan())) : null;

                default:
                    return null;
            }
        }

        /// <summary>A string value read as a timestamp; null when it is not a string, or (with a reason) not a timestamp.</summary>
        private StixTimestamp? ReadTimestamp(PathValue value, out bool unknown)
        {
            unknown = false;
            if (value.Value is not JsonString text)
            {
                return null;
            }

            if (StixTimestamp.TryParse(text.Value, out StixTimestamp ts))
            {
                return ts;
            }

            Reason ??= $"the value of '{value.Property}' ({value.OwnerType}) is compared with a timestamp but is not a STIX timestamp";
            unknown = true;
            return null;
        }

        /// <summary>
        /// The octets of a value compared with a binary constant: a binary property (<c>*_bin</c> base64, <c>*_hex</c>) decoded;
        /// any other string as its code points when all are below U+0100 (§9.2), else null (not comparable).
        /// </summary>
        private byte[]? ReadBytes(PathValue value, out bool unknown)
        {
            unknown = false;
            if (value.Value is not JsonString text)
            {
                return null;
            }

            if (IsBinaryProperty(value) && !value.IsReference)
            {
                unknown = !TryDecode(value, text.Value, out byte[]? bytes);
                return unknown ? null : bytes;
            }

            return Latin1(text.Value);
        }

        private bool TryDecode(PathValue value, string text, out byte[] bytes)
        {
            bytes = [];
            try
            {
                bytes = value.Property!.EndsWith("_hex", StringComparison.Ordinal) ? Convert.FromHexString(text) : Convert.FromBase64String(text);
                return true;
            }
            catch (FormatException)
            {
                Reason ??= $"the value of '{value.Property}' ({value.OwnerType}) is not valid {(value.Property!.EndsWith("_hex", StringComparison.Ordinal) ? "hex" : "base64")}";
                return false;
            }
        }

        private ComparisonOutcome Like(PropertyComparison comparison, PathValue value)
        {
            if (value.Value is not JsonString text || (IsBinaryProperty(value) && !value.IsReference))
            {
                return ComparisonOutcome.False;
            }

            object compiled = s_compiled.GetValue(comparison, static c => CompileLike(((StringConstant)c.Value).Value));
            if (compiled is string error)
            {
                Reason ??= error;
                return ComparisonOutcome.Unknown;
            }

            return Truth(((LikePattern)compiled).IsMatch(text.Value));
        }

        private static object CompileLike(string pattern)
        {
            try
            {
                return LikePattern.Create(pattern);
            }
            catch (ArgumentException e)
            {
                return e.Message;
            }
        }

        private ComparisonOutcome Regex(PropertyComparison comparison, PathValue value)
        {
            if (value.Value is not JsonString text)
            {
                return ComparisonOutcome.False;
            }

            object compiled = s_compiled.GetValue(comparison, static c =>
                StixRegex.TryCreate(((StringConstant)c.Value).Value, out StixRegex? regex, out string? error) ? regex : "the MATCHES expression cannot be used: " + error);
            if (compiled is string message)
            {
                Reason ??= message;
                return ComparisonOutcome.Unknown;
            }

            var stixRegex = (StixRegex)compiled;
            RegexOutcome outcome;
            if (IsBinaryProperty(value) && !value.IsReference)
            {
                if (!TryDecode(value, text.Value, out byte[]? bytes))
                {
                    return ComparisonOutcome.Unknown;
                }

                outcome = stixRegex.MatchBinary(bytes);
            }
            else
            {
                outcome = stixRegex.Match(text.Value);
            }

            if (outcome == RegexOutcome.Timeout)
            {
                Reason ??= $"the MATCHES expression ran out of time ({stixRegex.MatchTimeout.TotalMilliseconds} ms) on a value of '{value.Property}'";
                return ComparisonOutcome.Unknown;
            }

            return Truth(outcome == RegexOutcome.Match);
        }

        private static ComparisonOutcome Subset(PropertyComparison comparison, PathValue value)
        {
            if (value.Value is not JsonString text
                || !IpPrefix.TryParse(text.Value, out IpPrefix actual)
                || !IpPrefix.TryParse(((StringConstant)comparison.Value).Value, out IpPrefix constant))
            {
                return ComparisonOutcome.False;
            }

            return Truth(comparison.Operator == ComparisonOperator.IsSubset ? constant.Contains(actual) : actual.Contains(constant));
        }
    }

    /// <summary>
    /// The hash rule of <see cref="FieldValues.NormalizeHash(string)"/> without allocating: values made only of hex
    /// digits compare ignoring case; any other value equals only itself.
    /// </summary>
    private static bool HashesEqual(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal)
        || (a.Length == b.Length && IsHex(a) && IsHex(b) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase));

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static ComparisonOutcome Truth(bool value) => value ? ComparisonOutcome.True : ComparisonOutcome.False;

    /// <summary>A binary property: its name ends in <c>_bin</c> (base64) or <c>_hex</c> (STIX 2.1 §2.5, §2.8).</summary>
    private static bool IsBinaryProperty(PathValue value) =>
        value.Property is string name && !value.IsHashValue
        && (name.EndsWith("_bin", StringComparison.Ordinal) || name.EndsWith("_hex", StringComparison.Ordinal));

    /// <summary>The <c>value</c> of an <c>ipv4-addr</c> or <c>ipv6-addr</c> (reached directly or through a reference).</summary>
    private static bool IsAddressValue(PathValue value) =>
        string.Equals(value.Property, "value", StringComparison.Ordinal) && value.OwnerType is "ipv4-addr" or "ipv6-addr";

    /// <summary>The string's code points as octets when all are below U+0100 (§9.2: binary against string); otherwise null.</summary>
    private static byte[]? Latin1(string text)
    {
        byte[] bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] > '\u00FF')
            {
                return null;
            }

            bytes[i] = (byte)text[i];
        }

        return bytes;
    }

    /// <summary>Orders two strings by Unicode code point (as STIX and the reference matcher do), not by UTF-16 unit.</summary>
    private static int CompareCodePoints(string a, string b)
    {
        int i = 0;
        int j = 0;
        while (i < a.Length && j < b.Length)
        {
            Rune.DecodeFromUtf16(a.AsSpan(i), out Rune ra, out int na);
            Rune.DecodeFromUtf16(b.AsSpan(j), out Rune rb, out int nb);
            int c = ra.Value.CompareTo(rb.Value);
            if (c == 0 && ra == Rune.ReplacementChar)
            {
                c = a[i].CompareTo(b[j]); // unpaired surrogates (or U+FFFD itself): fall back to the code unit
            }

            if (c != 0)
            {
                return Math.Sign(c);
            }

            i += na;
            j += nb;
        }

        return (a.Length - i).CompareTo(b.Length - j) switch { < 0 => -1, > 0 => 1, _ => 0 };
    }
}
