using System.Collections.Frozen;
using System.Globalization;
using Detente.Stix;

namespace Detente.Policy;

/// <summary>The outcome of <see cref="SharingPolicy.Build"/>: a policy, or every problem found.</summary>
/// <param name="Policy">The policy; null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem found, in settings order.</param>
public sealed record PolicyBuildResult(SharingPolicy? Policy, IReadOnlyList<PolicyIssue> Errors)
{
    /// <summary>True when the settings were valid and <see cref="Policy"/> is set.</summary>
    public bool IsValid => Policy is not null;
}

public sealed partial class SharingPolicy
{
    private const int MaxNameLength = 64;

    // Properties a redaction may never remove: without them the object is not a STIX object, or loses its markings.
    private static readonly FrozenSet<string> s_protected = FrozenSet.Create(StringComparer.Ordinal,
        "type", "id", "spec_version", "created", "modified", "object_marking_refs", "granular_markings", "extensions");

    /// <summary>Checks <paramref name="settings"/> and builds the policy, or lists every problem (nothing is thrown for
    /// bad settings).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is null.</exception>
    public static PolicyBuildResult Build(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings = Snapshot(settings);
        var errors = new List<PolicyIssue>();
        void Error(string path, string rule, string message) => errors.Add(new PolicyIssue(path, rule, message));

        if (!Tlp.IsDefined(settings.DefaultTlp))
        {
            Error("default_tlp", PolicyRules.UndefinedValue, "is not a TLP level");
        }

        // Partners.
        var partnerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var identities = new HashSet<string>(StringComparer.Ordinal);
        var principals = new Dictionary<string, int>(StringComparer.Ordinal);
        IReadOnlyList<Partner> partners = settings.Partners ?? [];
        for (int i = 0; i < partners.Count; i++)
        {
            string at = Path("partners", i);
            Partner? partner = partners[i];
            if (partner is null)
            {
                Error(at, PolicyRules.NullEntry, "is null");
                continue;
            }

            if (CheckName(partner.Name, at + ".name", errors) && !partnerIndex.TryAdd(partner.Name, i))
            {
                Error(at + ".name", PolicyRules.DuplicateName, $"'{partner.Name}' is the name of another partner");
            }

            if (!StixId.TryParse(partner.Identity, out StixId identity) || identity.Type != "identity")
            {
                Error(at + ".identity", PolicyRules.IdentitySyntax, "must be the id of an identity object (identity--UUID)");
            }
            else if (!identities.Add(partner.Identity))
            {
                Error(at + ".identity", PolicyRules.DuplicateIdentity, "is the identity of another partner");
            }

            IReadOnlyList<Stix.Signatures.StixVerificationKey>? keys = partner.VerificationKeys;
            if (keys is null || keys.Count == 0)
            {
                Error(at + ".verification_keys", PolicyRules.KeyMissing, "must hold at least one Ed25519 key");
            }
            else
            {
                for (int k = 0; k < keys.Count; k++)
                {
                    if (keys[k] is null)
                    {
                        Error(Path(at + ".verification_keys", k), PolicyRules.NullEntry, "is null");
                    }
                }
            }

            IReadOnlyList<string> names = partner.Principals is { Count: > 0 } ? partner.Principals : partner.Name is null ? [] : [partner.Name];
            for (int p = 0; p < names.Count; p++)
            {
                string where = partner.Principals is { Count: > 0 } ? Path(at + ".principals", p) : at + ".name";
                string? principal = names[p];
                if (string.IsNullOrEmpty(principal) || principal.Trim().Length != principal.Length || principal.Any(char.IsControl))
                {
                    Error(where, PolicyRules.PrincipalSyntax, "must be a non-empty principal name without control characters or spaces at its ends");
                }
                else if (principals.TryGetValue(principal, out int other) && other != i)
                {
                    Error(where, PolicyRules.DuplicatePrincipal, $"principal '{principal}' belongs to partner {other + 1} too");
                }
                else
                {
                    principals[principal] = i;
                }
            }

            IReadOnlyList<EgressRule> rules = partner.EgressRules ?? [];
            for (int r = 0; r < rules.Count; r++)
            {
                CheckRule(rules[r], Path(at + ".egress_rules", r), errors);
            }
        }

        // Sharing groups and their markings.
        var markings = new Dictionary<string, MarkingInfo>(StringComparer.Ordinal);
        IReadOnlyList<SharingGroup> groups = settings.SharingGroups ?? [];
        if (groups.Count > MaxSharingGroups)
        {
            Error("sharing_groups", PolicyRules.TooManyGroups, string.Create(CultureInfo.InvariantCulture,
                $"holds {groups.Count} groups; at most {MaxSharingGroups} are allowed"));
        }

        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        for (int g = 0; g < groups.Count; g++)
        {
            string at = Path("sharing_groups", g);
            SharingGroup? group = groups[g];
            if (group is null)
            {
                Error(at, PolicyRules.NullEntry, "is null");
                continue;
            }

            if (CheckName(group.Name, at + ".name", errors) && !groupNames.Add(group.Name))
            {
                Error(at + ".name", PolicyRules.DuplicateName, $"'{group.Name}' is the name of another sharing group");
            }

            if (CheckMarking(group.MarkingDefinitionId, at + ".marking_definition_id", markings, errors) && g < MaxSharingGroups)
            {
                markings[group.MarkingDefinitionId] = new MarkingInfo(MarkingKind.SharingGroup, TlpLevel.Clear, g);
            }

            CheckMembers(group.Members, at + ".members", partnerIndex, errors);
        }

        IReadOnlyList<string> neutral = settings.NeutralMarkings ?? [];
        for (int n = 0; n < neutral.Count; n++)
        {
            if (CheckMarking(neutral[n], Path("neutral_markings", n), markings, errors))
            {
                markings[neutral[n]] = new MarkingInfo(MarkingKind.Neutral, TlpLevel.Clear, -1);
            }
        }

        // Collections.
        var collectionIds = new HashSet<Guid>();
        IReadOnlyList<CollectionSharing> collections = settings.Collections ?? [];
        for (int c = 0; c < collections.Count; c++)
        {
            string at = Path("collections", c);
            CollectionSharing? collection = collections[c];
            if (collection is null)
            {
                Error(at, PolicyRules.NullEntry, "is null");
                continue;
            }

            if (!collectionIds.Add(collection.CollectionId))
            {
                Error(at + ".collection_id", PolicyRules.DuplicateCollection, "is the id of another collection entry");
            }

            if (!Tlp.IsDefined(collection.DefaultTlp))
            {
                Error(at + ".default_tlp", PolicyRules.UndefinedValue, "is not a TLP level");
            }

            CheckMembers(collection.Partners, at + ".partners", partnerIndex, errors);
        }

        IReadOnlyList<string> redactable = settings.RedactablePaths ?? [];
        for (int r = 0; r < redactable.Count; r++)
        {
            CheckRedactionPath(redactable[r], Path("redactable_paths", r), errors);
        }

        if (errors.Count > 0)
        {
            return new PolicyBuildResult(null, errors);
        }

        return new PolicyBuildResult(Compile(settings, partnerIndex, principals, markings), []);
    }

    // The settings' lists may be arrays the caller still holds; the policy keeps copies, so it cannot change after Build.
    private static PolicySettings Snapshot(PolicySettings settings) => settings with
    {
        Partners = Copy(settings.Partners, static p => p with
        {
            VerificationKeys = Copy(p.VerificationKeys),
            Principals = Copy(p.Principals),
            EgressRules = Copy(p.EgressRules, static r => r with
            {
                ObjectTypes = Copy(r.ObjectTypes), Labels = Copy(r.Labels), Collections = Copy(r.Collections),
            }),
        }),
        SharingGroups = Copy(settings.SharingGroups, static g => g with { Members = Copy(g.Members) }),
        Collections = Copy(settings.Collections, static c => c with { Partners = Copy(c.Partners) }),
        RedactablePaths = Copy(settings.RedactablePaths),
        NeutralMarkings = Copy(settings.NeutralMarkings),
    };

    private static IReadOnlyList<T> Copy<T>(IReadOnlyList<T>? items) => items is null ? null! : Array.AsReadOnly(items.ToArray());

    private static IReadOnlyList<T> Copy<T>(IReadOnlyList<T>? items, Func<T, T> copy)
        where T : class =>
        items is null ? null! : Array.AsReadOnly(items.Select(item => item is null ? item! : copy(item)).ToArray());

    private static SharingPolicy Compile(PolicySettings settings, Dictionary<string, int> partnerIndex, Dictionary<string, int> principals,
        Dictionary<string, MarkingInfo> markings)
    {
        foreach (string tlpId in s_tlpIds)
        {
            _ = Tlp.TryFromMarkingId(tlpId, out TlpLevel level);
            markings[tlpId] = new MarkingInfo(MarkingKind.Tlp, level, -1);
        }

        var byPartner = new PolicyPrincipal[settings.Partners.Count];
        for (int i = 0; i < byPartner.Length; i++)
        {
            Partner partner = settings.Partners[i];
            ulong groups = 0;
            for (int g = 0; g < settings.SharingGroups.Count; g++)
            {
                if (settings.SharingGroups[g].Members.Contains(partner.Name, StringComparer.Ordinal))
                {
                    groups |= 1UL << g;
                }
            }

            CompiledRule[] rules = [.. partner.EgressRules.Select(static (r, index) => new CompiledRule(r, index))];
            byPartner[i] = new PolicyPrincipal(partner.Name, PrincipalKind.Partner, LocalRole.Reader, partner, i, groups, rules,
                rules.Any(static r => !r.IsDeny));
        }

        var collections = new Dictionary<Guid, PolicyCollection>();
        foreach (CollectionSharing sharing in settings.Collections)
        {
            bool[] members = new bool[byPartner.Length];
            foreach (string name in sharing.Partners)
            {
                members[partnerIndex[name]] = true;
            }

            collections[sharing.CollectionId] = new PolicyCollection(sharing.CollectionId, sharing.DefaultTlp, members, [.. sharing.Partners]);
        }

        return new SharingPolicy(settings, markings.ToFrozenDictionary(StringComparer.Ordinal),
            principals.ToFrozenDictionary(p => p.Key, p => byPartner[p.Value], StringComparer.Ordinal),
            collections.ToFrozenDictionary());
    }

    private static readonly string[] s_tlpIds =
    [
        Stix.Schema.TlpMarkings.Tlp1White, Stix.Schema.TlpMarkings.Tlp1Green, Stix.Schema.TlpMarkings.Tlp1Amber, Stix.Schema.TlpMarkings.Tlp1Red,
        Stix.Schema.TlpMarkings.Tlp2Clear, Stix.Schema.TlpMarkings.Tlp2Green, Stix.Schema.TlpMarkings.Tlp2Amber,
        Stix.Schema.TlpMarkings.Tlp2AmberStrict, Stix.Schema.TlpMarkings.Tlp2Red,
    ];

    private static string Path(string list, int index) => string.Create(CultureInfo.InvariantCulture, $"{list}[{index}]");

    private static bool CheckName(string? name, string path, List<PolicyIssue> errors)
    {
        if (IsName(name))
        {
            return true;
        }

        errors.Add(new PolicyIssue(path, PolicyRules.NameSyntax,
            "must be 1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"));
        return false;
    }

    internal static bool IsName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool CheckMarking(string? id, string path, Dictionary<string, MarkingInfo> markings, List<PolicyIssue> errors)
    {
        if (!StixId.TryParse(id, out StixId parsed) || parsed.Type != "marking-definition")
        {
            errors.Add(new PolicyIssue(path, PolicyRules.MarkingSyntax, "must be the id of a marking definition (marking-definition--UUID)"));
            return false;
        }

        if (Tlp.TryFromMarkingId(id, out _))
        {
            errors.Add(new PolicyIssue(path, PolicyRules.MarkingSyntax, "is a TLP marking, which the policy already knows"));
            return false;
        }

        if (markings.ContainsKey(id))
        {
            errors.Add(new PolicyIssue(path, PolicyRules.DuplicateMarking, "is already the marking of a sharing group or a neutral marking"));
            return false;
        }

        return true;
    }

    private static void CheckMembers(IReadOnlyList<string>? members, string path, Dictionary<string, int> partnerIndex, List<PolicyIssue> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        members ??= [];
        for (int m = 0; m < members.Count; m++)
        {
            string? name = members[m];
            string at = Path(path, m);
            if (name is null || !partnerIndex.ContainsKey(name))
            {
                errors.Add(new PolicyIssue(at, PolicyRules.UnknownPartner, $"'{name}' is not a configured partner"));
            }
            else if (!seen.Add(name))
            {
                errors.Add(new PolicyIssue(at, PolicyRules.DuplicateMember, $"'{name}' is listed twice"));
            }
        }
    }

    private static void CheckRule(EgressRule? rule, string path, List<PolicyIssue> errors)
    {
        if (rule is null)
        {
            errors.Add(new PolicyIssue(path, PolicyRules.NullEntry, "is null"));
            return;
        }

        if (rule.Effect is not (EgressEffect.Allow or EgressEffect.Deny))
        {
            errors.Add(new PolicyIssue(path + ".effect", PolicyRules.UndefinedValue, "must be allow or deny"));
        }

        if (rule.MinConfidence is < 0 or > 100 || rule.MaxConfidence is < 0 or > 100
            || rule.MinConfidence is int min && rule.MaxConfidence is int max && min > max)
        {
            errors.Add(new PolicyIssue(path + ".confidence", PolicyRules.RuleConfidence, "bounds must lie in 0–100, the minimum not above the maximum"));
        }

        if (rule.MinAge < TimeSpan.Zero || rule.MaxAge < TimeSpan.Zero || rule.MinAge is TimeSpan older && rule.MaxAge is TimeSpan newer && older > newer)
        {
            errors.Add(new PolicyIssue(path + ".age", PolicyRules.RuleAge, "bounds must not be negative, the minimum not above the maximum"));
        }

        if (rule.ObjectTypes is null || rule.Labels is null || rule.Collections is null
            || rule.ObjectTypes.Any(static t => t is null) || rule.Labels.Any(static l => l is null))
        {
            errors.Add(new PolicyIssue(path, PolicyRules.NullEntry, "has a null list or item"));
        }
    }

    private static void CheckRedactionPath(string? path, string at, List<PolicyIssue> errors)
    {
        if (string.IsNullOrEmpty(path))
        {
            errors.Add(new PolicyIssue(at, PolicyRules.RedactionPath, "must not be empty"));
            return;
        }

        string[] names = path.Split('.');
        foreach (string name in names)
        {
            if (name.Length == 0 || name.Length > 250 || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                errors.Add(new PolicyIssue(at, PolicyRules.RedactionPath,
                    "must be property names (letters, digits, '_', '-') joined by '.', without list indices"));
                return;
            }
        }

        if (names.Length == 1 && s_protected.Contains(names[0]))
        {
            errors.Add(new PolicyIssue(at, PolicyRules.RedactionPath, $"'{path}' cannot be removed from an object"));
        }
    }
}
