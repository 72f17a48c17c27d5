using System.CommandLine;
using System.Globalization;
using Detente.Node;
using Detente.Storage;

namespace Detente.Cli;

/// <summary><c>detente partner rule add|list|remove</c> (partner egress rules) and <c>detente redaction add|list|remove</c>
/// (redaction paths): stored in the node's store, taken up by a running node within its refresh interval.</summary>
internal sealed partial class DetenteCli
{
    private Command PartnerRuleCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var partner = new Argument<string>("PARTNER") { Description = "The partner's name." };
        var allow = new Option<bool>("--allow") { Description = "An allow rule: once a partner has one, only objects an allow rule matches leave." };
        var deny = new Option<bool>("--deny") { Description = "A deny rule: an object it matches never leaves for this partner (deny wins)." };
        var type = new Option<string[]>("--type") { Description = "Match objects of this STIX type (repeatable: any of them)." };
        var label = new Option<string[]>("--label") { Description = "Match objects with this label (repeatable: any of them)." };
        var collection = new Option<string[]>("--collection") { Description = "Match objects read from this collection, by id or alias (repeatable)." };
        var apiRoot = new Option<string>("--api-root")
        {
            Description = "The API root of collection aliases. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var minConfidence = new Option<int?>("--min-confidence") { Description = "Match objects whose confidence is at least N (0–100)." };
        var maxConfidence = new Option<int?>("--max-confidence") { Description = "Match objects whose confidence is at most N (0–100)." };
        var minAge = new Option<string?>("--min-age") { Description = "Match objects at least this old (since modified, else created): N followed by s, m, h, d or w." };
        var maxAge = new Option<string?>("--max-age") { Description = "Match objects at most this old: N followed by s, m, h, d or w." };
        var add = new Command("add",
            "Add an egress rule to a partner (after TLP, so it only narrows what the partner receives). A condition not given does not restrict; "
            + "a value the object lacks (no confidence, no timestamps) holds for a deny rule and not for an allow rule.")
        {
            partner, allow, deny, type, label, collection, apiRoot, minConfidence, maxConfidence, minAge, maxAge, data, postgres,
        };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            if (result.GetValue(allow) == result.GetValue(deny))
            {
                await _stderr.WriteLineAsync("detente: give exactly one of --allow and --deny.");
                return ExitCodes.Unusable;
            }

            TimeSpan? least = null, most = null;
            foreach ((Option<string?> option, bool isMin) in new[] { (minAge, true), (maxAge, false) })
            {
                if (result.GetValue(option) is not { } text)
                {
                    continue;
                }

                if (!TryParseAge(text, out TimeSpan age))
                {
                    await _stderr.WriteLineAsync($"detente: {option.Name} is a whole number followed by s, m, h, d or w (30d, 12h), not '{text}'.");
                    return ExitCodes.Unusable;
                }

                if (isMin)
                {
                    least = age;
                }
                else
                {
                    most = age;
                }
            }

            var collections = new List<Guid>();
            foreach (string named in result.GetValue(collection) ?? [])
            {
                Collection? found = await NodeAdmin.FindCollectionAsync(store, named, result.GetValue(apiRoot)!, cancellationToken);
                if (found is null)
                {
                    await _stderr.WriteLineAsync($"detente: no collection '{named}'.");
                    return ExitCodes.Invalid;
                }

                collections.Add(found.Id);
            }

            var rule = new PartnerRuleRecord
            {
                Partner = result.GetValue(partner)!,
                Allow = result.GetValue(allow),
                ObjectTypes = result.GetValue(type) ?? [],
                Labels = result.GetValue(label) ?? [],
                Collections = collections,
                MinConfidence = result.GetValue(minConfidence),
                MaxConfidence = result.GetValue(maxConfidence),
                MinAge = least,
                MaxAge = most,
            };
            if (rule.Check() is { } problem)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            // The policy must accept the settings with the rule, or the running node would keep its previous policy.
            SharingConfiguration configuration = await store.GetSharingConfigurationAsync(cancellationToken);
            if (await RefusedAsync(configuration with { PartnerRules = [.. configuration.PartnerRules, rule] }))
            {
                return ExitCodes.Unusable;
            }

            if (await store.AddPartnerRuleAsync(rule, cancellationToken) != SharingChange.Changed)
            {
                await _stderr.WriteLineAsync($"detente: no partner {rule.Partner}.");
                return ExitCodes.Invalid;
            }

            int number = (await store.ListPartnerRulesAsync(rule.Partner, cancellationToken)).Count;
            await _stdout.WriteLineAsync($"Rule #{number} of partner {rule.Partner} added: {NodeSharing.Describe(rule)}.");
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var listPartner = new Argument<string>("PARTNER") { Description = "The partner's name." };
        var list = new Command("list", "List a partner's egress rules by number, as `policy explain` names them.") { listPartner, listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            string name = result.GetValue(listPartner)!;
            if (!(await store.ListPartnersAsync(cancellationToken)).Any(p => p.Name == name))
            {
                await _stderr.WriteLineAsync($"detente: no partner {name}.");
                return ExitCodes.Invalid;
            }

            IReadOnlyList<PartnerRuleRecord> rules = await store.ListPartnerRulesAsync(name, cancellationToken);
            for (int i = 0; i < rules.Count; i++)
            {
                await _stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"#{i + 1}\t{NodeSharing.Describe(rules[i])}"));
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> removeData = DataOption();
        Option<string?> removePostgres = PostgresOption();
        var removePartner = new Argument<string>("PARTNER") { Description = "The partner's name." };
        var removeNumber = new Argument<int>("NUMBER") { Description = "The rule's number, as `partner rule list` shows it (later rules move up one)." };
        var remove = new Command("remove", "Remove one egress rule of a partner.") { removePartner, removeNumber, removeData, removePostgres };
        remove.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(removeData)!, result.GetValue(removePostgres), async store =>
        {
            string name = result.GetValue(removePartner)!;
            int number = result.GetValue(removeNumber);
            if (!await store.RemovePartnerRuleAsync(name, number, cancellationToken))
            {
                await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"detente: partner {name} has no rule #{number}."));
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Rule #{number} of partner {name} removed."));
            return ExitCodes.Ok;
        }, cancellationToken));
        return new Command("rule", "A partner's egress rules: allow or deny by type, label, collection, confidence and age; deny wins.") { add, list, remove };
    }

    private Command RedactionCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var path = new Argument<string>("PATH") { Description = "A property path: names joined by '.', no list indices (description, external_references.url)." };
        var add = new Command("add",
            "Allow the node to remove this property (at or below the path) from an object whose part is marked beyond what a reader may see, "
            + "instead of withholding the object; the reader receives the object without it, and without the producer's signature.")
        {
            path, data, postgres,
        };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            string p = result.GetValue(path)!;
            if (RedactionPaths.Check(p) is { } problem)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            SharingConfiguration configuration = await store.GetSharingConfigurationAsync(cancellationToken);
            if (await RefusedAsync(configuration with { RedactionPaths = [.. configuration.RedactionPaths, p] }))
            {
                return ExitCodes.Unusable;
            }

            if (await store.AddRedactionPathAsync(p, cancellationToken) != SharingChange.Changed)
            {
                await _stderr.WriteLineAsync($"detente: the redaction path {p} exists.");
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync($"Redaction path {p} added.");
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List the redaction paths.") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            foreach (string p in await store.ListRedactionPathsAsync(cancellationToken))
            {
                await _stdout.WriteLineAsync(p);
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Command remove = RemoveCommand("remove", "Remove a redaction path: objects it covered are withheld whole again.", "PATH", "The redaction path.",
            "redaction path", (store, path, ct) => store.RemoveRedactionPathAsync(path, ct), path => $"Redaction path {path} removed.");
        return new Command("redaction", "Redaction paths: parts of objects the node may remove instead of withholding the object.") { add, list, remove };
    }

    private Command MarkingCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var marking = new Argument<string>("MARKING-ID") { Description = "A marking definition id (marking-definition--UUID), not a TLP marking." };
        var add = new Command("add",
            "Declare a marking definition neutral (a copyright or terms-of-use statement): the sharing policy ignores it instead of "
            + "reading it as the collection's default level.")
        {
            marking, data, postgres,
        };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            string m = result.GetValue(marking)!;
            if (NeutralMarkings.Check(m) is { } problem)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            SharingConfiguration configuration = await store.GetSharingConfigurationAsync(cancellationToken);
            if (!configuration.NeutralMarkings.Contains(m, StringComparer.Ordinal)
                && await RefusedAsync(configuration with { NeutralMarkings = [.. configuration.NeutralMarkings, m] }))
            {
                return ExitCodes.Unusable;
            }

            if (await store.AddNeutralMarkingAsync(m, cancellationToken) != SharingChange.Changed)
            {
                await _stderr.WriteLineAsync($"detente: {m} is neutral already.");
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync($"Marking {m} is neutral.");
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List the neutral markings.") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            foreach (string m in await store.ListNeutralMarkingsAsync(cancellationToken))
            {
                await _stdout.WriteLineAsync(m);
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Command remove = RemoveCommand("remove", "Make a marking count again as an unknown marking (the collection's default level).", "MARKING-ID",
            "The neutral marking.", "neutral marking", (store, m, ct) => store.RemoveNeutralMarkingAsync(m, ct), m => $"Marking {m} is no longer neutral.");
        var neutral = new Command("neutral", "Neutral markings: marking definitions that restrict no one, which the sharing policy ignores.")
        {
            add, list, remove,
        };
        return new Command("marking", "Marking definitions and how the sharing policy reads them.") { neutral };
    }

    /// <summary>True (after printing every problem) when the sharing policy library refuses <paramref name="configuration"/>.</summary>
    private async Task<bool> RefusedAsync(SharingConfiguration configuration)
    {
        IReadOnlyList<string> problems = NodeSharing.Problems(configuration);
        foreach (string problem in problems)
        {
            await _stderr.WriteLineAsync("detente: the sharing policy refuses this: " + problem);
        }

        return problems.Count > 0;
    }

    /// <summary>Reads an age such as <c>30d</c>: a whole number of seconds, minutes, hours, days or weeks.</summary>
    internal static bool TryParseAge(string text, out TimeSpan age)
    {
        age = default;
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return false;
        }

        long seconds = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86_400, 'w' => 604_800, _ => 0 };
        if (seconds == 0 || n > TimeSpan.MaxValue.TotalSeconds / seconds / 2)
        {
            return false;
        }

        age = TimeSpan.FromSeconds(n * seconds);
        return true;
    }
}
