using System.Text;
using Detente.Patterns.Evaluation;
using Detente.Patterns.Indexing;
using Detente.Patterns.Telemetry;
using Detente.Stix.Identifiers;

namespace Detente.Patterns.Matching;

/// <summary>Compiling comparison expressions into index entries, and removing them again.</summary>
public sealed partial class IndicatorSet
{
    private enum AtomKind : byte
    {
        Utf8,
        Integer,
        IpEqual,
        IpSubset,
        Like,
        Regex,
    }

    private readonly Dictionary<string, KeyIndexes> _hashGroups = new(StringComparer.Ordinal);
    private int _knownKeys;

    /// <summary>One index entry a comparison needs: the field, the index, and the constant (bytes, long, IpPrefix, LikePattern or StixRegex).</summary>
    private readonly record struct AtomSpec(FieldKey Key, AtomKind Kind, object Constant);

    /// <summary>Compiles one comparison expression into a unit owned by indicator <paramref name="slot"/>.</summary>
    private int CompileUnit(int slot, ComparisonExpression comparison, bool keepComparison)
    {
        var atoms = new List<AtomSpec>();
        MatchRoute route = Plan(comparison, atoms);
        int unit = NewUnit();
        _unitIndicator[unit] = slot;
        _unitRoute[unit] = (byte)route;
        _unitComparison[unit] = route == MatchRoute.Exact && !keepComparison ? null : comparison;
        _unitFirstAtom[unit] = -1;
        for (int i = atoms.Count - 1; i >= 0; i--)
        {
            int atom = NewAtom();
            _atomUnit[atom] = unit;
            _atomNext[atom] = _unitFirstAtom[unit];
            _unitFirstAtom[unit] = atom;
            AddToIndex(atoms[i], atom);
        }

        if (route == MatchRoute.General)
        {
            _generalUnits.Add(unit);
        }

        return unit;
    }

    /// <summary>Removes a unit's index entries (planned again from its comparison, so they are the same) and frees its ids.</summary>
    private void RemoveUnit(int unit)
    {
        ComparisonExpression comparison = _unitComparison[unit]!;
        var atoms = new List<AtomSpec>();
        MatchRoute route = Plan(comparison, atoms);
        int atom = _unitFirstAtom[unit];
        foreach (AtomSpec spec in atoms)
        {
            RemoveFromIndex(spec, atom);
            _atomCheck.Remove(atom);
            int next = _atomNext[atom];
            _freeAtoms.Push(atom);
            atom = next;
        }

        if (route == MatchRoute.General)
        {
            _generalUnits.Remove(unit);
        }

        _unitComparison[unit] = null;
        _unitFirstAtom[unit] = -1;
        _unitIndicator[unit] = -1;
        _freeUnits.Push(unit);
    }

    /// <summary>Chooses the route of a comparison expression and lists the index entries it needs.</summary>
    private MatchRoute Plan(ComparisonExpression comparison, List<AtomSpec> atoms)
    {
        if (TryExact(comparison, atoms))
        {
            return MatchRoute.Exact;
        }

        atoms.Clear();
        if (comparison is CompoundComparison { Operator: BooleanOperator.And } and)
        {
            foreach (ComparisonExpression operand in and.Operands)
            {
                if (TryExact(operand, atoms))
                {
                    return MatchRoute.Anchored;
                }

                atoms.Clear();
            }
        }

        return MatchRoute.General;
    }

    /// <summary>Lists the entries of a comparison the indexes answer exactly: one indexable comparison, or an OR of them.</summary>
    private bool TryExact(ComparisonExpression comparison, List<AtomSpec> atoms)
    {
        switch (comparison)
        {
            case PropertyComparison property:
                return TryAtoms(property, atoms);
            case CompoundComparison { Operator: BooleanOperator.Or } or:
                foreach (ComparisonExpression operand in or.Operands)
                {
                    if (!TryExact(operand, atoms))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private bool TryAtoms(PropertyComparison comparison, List<AtomSpec> atoms)
    {
        if (comparison.Negated || !TryKey(comparison.Path, out FieldKey key, out bool addressKey))
        {
            return false;
        }

        return TryAtoms(comparison, key, addressKey, atoms);
    }

    private bool TryAtoms(PropertyComparison comparison, FieldKey key, bool addressKey, List<AtomSpec> atoms)
    {
        switch (comparison.Operator, comparison.Value)
        {
            case (ComparisonOperator.Equal, StringConstant s):
                return TryStringAtom(key, addressKey, s.Value, atoms);
            case (ComparisonOperator.Equal, IntegerConstant i):
                atoms.Add(new AtomSpec(key, AtomKind.Integer, i.Value));
                return true;
            case (ComparisonOperator.In, SetConstant set) when set.Items.Length > 0 && set.Items.All(static c => c is StringConstant):
                foreach (PatternConstant item in set.Items)
                {
                    if (!TryStringAtom(key, addressKey, ((StringConstant)item).Value, atoms))
                    {
                        return false;
                    }
                }

                return true;
            case (ComparisonOperator.In, SetConstant set) when set.Items.Length > 0 && set.Items.All(static c => c is IntegerConstant):
                foreach (PatternConstant item in set.Items)
                {
                    atoms.Add(new AtomSpec(key, AtomKind.Integer, ((IntegerConstant)item).Value));
                }

                return true;
            case (ComparisonOperator.IsSubset, StringConstant s) when addressKey && IpPrefix.TryParse(s.Value, out IpPrefix block):
                atoms.Add(new AtomSpec(key, AtomKind.IpSubset, block));
                return true;
            case (ComparisonOperator.Like, StringConstant s) when !TextNormalization.HasUnpairedSurrogate(s.Value):
                atoms.Add(new AtomSpec(key, AtomKind.Like, LikePattern.Create(s.Value)));
                return true;
            case (ComparisonOperator.Matches, StringConstant s) when StixRegex.TryCreate(s.Value, out StixRegex? regex, out _):
                atoms.Add(new AtomSpec(key, AtomKind.Regex, regex));
                return true;
            default:
                return false;
        }
    }

    private bool TryStringAtom(FieldKey key, bool addressKey, string value, List<AtomSpec> atoms)
    {
        if (addressKey && IpPrefix.TryParse(value, out IpPrefix block))
        {
            atoms.Add(new AtomSpec(key, AtomKind.IpEqual, block));
            return true;
        }

        if (TextNormalization.HasUnpairedSurrogate(value))
        {
            return false; // not representable as UTF-8; the evaluator decides
        }

        byte[] bytes = Encoding.UTF8.GetBytes(_keys.NormalizeValue(key, value));
        if (bytes.Length > Utf8EqualityIndex.MaxKeyBytes)
        {
            return false;
        }

        atoms.Add(new AtomSpec(key, AtomKind.Utf8, bytes));
        return true;
    }

    /// <summary>The field key of an object path whose steps the readers can report (no fixed list indexes).</summary>
    private bool TryKey(ObjectPath path, out FieldKey key, out bool addressKey)
    {
        key = default;
        addressKey = false;
        if (!StixTypeName(path.ObjectType))
        {
            return false;
        }

        var steps = new PathStep[path.Components.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            PathComponent component = path.Components[i];
            switch (component.Kind)
            {
                case PathComponentKind.Property when !string.IsNullOrEmpty(component.Name):
                    steps[i] = PathStep.Property(component.Name);
                    break;
                case PathComponentKind.AnyIndex when i > 0:
                    steps[i] = PathStep.AnyIndex;
                    break;
                default:
                    return false; // a fixed index, or a malformed path: the evaluator decides
            }
        }

        string? lastProperty = null;
        foreach (PathStep s in steps)
        {
            lastProperty = s.Name ?? lastProperty;
        }

        bool hashValue = steps.Length >= 2 && steps[^2].Name == "hashes" && steps[^1].Kind == PathStepKind.Property;
        if (!hashValue && (lastProperty!.EndsWith("_bin", StringComparison.Ordinal) || lastProperty.EndsWith("_hex", StringComparison.Ordinal)))
        {
            return false; // binary properties compare as decoded octets: the evaluator decides
        }

        if (hashValue && HashNames.TryGetVocabularySpelling(ComparisonEvaluator.HashAlgorithmKey(steps[^1].Name!), out string? vocabulary))
        {
            steps[^1] = PathStep.Property(vocabulary); // the spelling the readers use
        }

        PropertyPath propertyPath = PropertyPath.Create(steps);
        key = _keys.Intern(path.ObjectType, propertyPath);
        addressKey = IsAddressKey(path.ObjectType, steps);
        return true;
    }

    /// <summary>
    /// Points the keys interned since the last look (by readers created later) at the indexes of their hash group: the
    /// evaluator finds a <c>hashes</c> key spelled differently (<c>sha256</c> for <c>SHA-256</c>, compared by
    /// <see cref="ComparisonEvaluator.HashAlgorithmKey"/>), so every spelling of one algorithm shares one set of indexes.
    /// </summary>
    private void RefreshKeys()
    {
        int count = _keys.Count;
        if (count == _knownKeys)
        {
            return;
        }

        if (count > _byKey.Length)
        {
            Array.Resize(ref _byKey, Math.Max(count, _byKey.Length * 2));
        }

        for (int id = _knownKeys; id < count; id++)
        {
            var key = new FieldKey(id);
            if (_byKey[id] is null && _keys.Normalization(key) == ValueNormalization.HexHash
                && _hashGroups.TryGetValue(HashGroup(key), out KeyIndexes? shared))
            {
                _byKey[id] = shared;
            }
        }

        _knownKeys = count;
    }

    /// <summary>The object type and path of a hash key with its algorithm name reduced by <see cref="ComparisonEvaluator.HashAlgorithmKey"/>.</summary>
    private string HashGroup(FieldKey key)
    {
        IReadOnlyList<PathStep> steps = _keys.Path(key).Steps;
        var prefix = PropertyPath.Create(steps.Take(steps.Count - 1));
        return $"{_keys.ObjectType(key)}:{prefix}.{ComparisonEvaluator.HashAlgorithmKey(steps[^1].Name!)}";
    }

    /// <summary>A hash algorithm name without case, hyphens and underscores: <c>sha256</c>, <c>SHA_256</c> and <c>SHA-256</c> are one algorithm.</summary>
    private static bool StixTypeName(string type) => Detente.Stix.StixType.IsValidTypeName(type);

    /// <summary><c>ipv4-addr:value</c>, <c>ipv6-addr:value</c>, or a path ending in <c>_ref.value</c> or <c>_refs[*].value</c>.</summary>
    private static bool IsAddressKey(string type, PathStep[] steps)
    {
        if (steps.Length == 1)
        {
            return steps[0].Name == "value" && type is "ipv4-addr" or "ipv6-addr";
        }

        if (steps[^1] is not { Kind: PathStepKind.Property, Name: "value" })
        {
            return false;
        }

        PathStep before = steps[^2];
        return (before.Kind == PathStepKind.Property && before.Name!.EndsWith("_ref", StringComparison.Ordinal))
            || (before.Kind == PathStepKind.AnyIndex && steps.Length >= 3 && steps[^3].Kind == PathStepKind.Property
                && steps[^3].Name!.EndsWith("_refs", StringComparison.Ordinal));
    }

    private KeyIndexes Indexes(FieldKey key, bool create)
    {
        RefreshKeys();
        if (key.Id >= _byKey.Length)
        {
            Array.Resize(ref _byKey, Math.Max(key.Id + 1, _byKey.Length * 2));
        }

        KeyIndexes? indexes = _byKey[key.Id];
        if (indexes is null)
        {
            if (!create)
            {
                throw new InvalidOperationException("The key has no indexes.");
            }

            string type = _keys.ObjectType(key);
            PropertyPath path = _keys.Path(key);
            PathStep[] steps = [.. path.Steps];
            indexes = new KeyIndexes { IsAddressKey = IsAddressKey(type, steps) };
            _byKey[key.Id] = indexes;
            if (_keys.Normalization(key) == ValueNormalization.HexHash)
            {
                string group = HashGroup(key);
                _hashGroups.Add(group, indexes);
                for (int id = 0; id < _keys.Count && id < _byKey.Length; id++)
                {
                    if (_byKey[id] is null && _keys.Normalization(new FieldKey(id)) == ValueNormalization.HexHash && HashGroup(new FieldKey(id)) == group)
                    {
                        _byKey[id] = indexes;
                    }
                }
            }

            if (!_keysByType.TryGetValue(type, out List<(FieldKey, PropertyPath)>? list))
            {
                list = [];
                _keysByType.Add(type, list);
            }

            list.Add((key, path));
            _stixPaths = null;
        }

        return indexes;
    }

    private void AddToIndex(AtomSpec spec, int atom)
    {
        KeyIndexes indexes = Indexes(spec.Key, create: true);
        switch (spec.Kind)
        {
            case AtomKind.Utf8:
                (indexes.Strings ??= new Utf8EqualityIndex()).Add((byte[])spec.Constant, atom);
                break;
            case AtomKind.Integer:
                (indexes.Integers ??= new Int64EqualityIndex()).Add((long)spec.Constant, atom);
                break;
            case AtomKind.IpEqual:
                (indexes.Addresses ??= new IpIndex()).Add((IpPrefix)spec.Constant, atom, IpMatch.Equal);
                break;
            case AtomKind.IpSubset:
                (indexes.Addresses ??= new IpIndex()).Add((IpPrefix)spec.Constant, atom, IpMatch.Subset);
                break;
            case AtomKind.Like:
                Prefilter(indexes).Add(atom, (LikePattern)spec.Constant);
                _atomCheck[atom] = spec.Constant;
                break;
            case AtomKind.Regex:
                Prefilter(indexes).Add(atom, (StixRegex)spec.Constant);
                _atomCheck[atom] = spec.Constant;
                break;
        }
    }

    private SubstringPrefilter Prefilter(KeyIndexes indexes)
    {
        if (indexes.Substrings is null)
        {
            indexes.Substrings = new SubstringPrefilter();
            _bulk?.Scopes.Add(indexes.Substrings.DeferMerges());
        }

        return indexes.Substrings;
    }

    private void RemoveFromIndex(AtomSpec spec, int atom)
    {
        RefreshKeys();
        if (spec.Key.Id >= _byKey.Length || _byKey[spec.Key.Id] is not KeyIndexes indexes)
        {
            return;
        }

        switch (spec.Kind)
        {
            case AtomKind.Utf8:
                indexes.Strings?.Remove((byte[])spec.Constant, atom);
                break;
            case AtomKind.Integer:
                indexes.Integers?.Remove((long)spec.Constant, atom);
                break;
            case AtomKind.IpEqual:
                indexes.Addresses?.Remove((IpPrefix)spec.Constant, atom, IpMatch.Equal);
                break;
            case AtomKind.IpSubset:
                indexes.Addresses?.Remove((IpPrefix)spec.Constant, atom, IpMatch.Subset);
                break;
            case AtomKind.Like:
            case AtomKind.Regex:
                indexes.Substrings?.Remove(atom);
                break;
        }
    }

    private int NewUnit()
    {
        if (_freeUnits.TryPop(out int unit))
        {
            return unit;
        }

        unit = _unitHigh++;
        if (unit == _unitIndicator.Length)
        {
            int size = Math.Max(16, _unitIndicator.Length * 2);
            Array.Resize(ref _unitIndicator, size);
            Array.Resize(ref _unitRoute, size);
            Array.Resize(ref _unitComparison, size);
            Array.Resize(ref _unitFirstAtom, size);
            Array.Resize(ref _unitStamp, size);
        }

        return unit;
    }

    private int NewAtom()
    {
        if (_freeAtoms.TryPop(out int atom))
        {
            return atom;
        }

        atom = _atomHigh++;
        if (atom > IndexEntry.MaxId)
        {
            throw new InvalidOperationException($"The set holds more than {IndexEntry.MaxId} index entries.");
        }

        if (atom == _atomUnit.Length)
        {
            int size = Math.Max(16, _atomUnit.Length * 2);
            Array.Resize(ref _atomUnit, size);
            Array.Resize(ref _atomNext, size);
        }

        return atom;
    }
}
