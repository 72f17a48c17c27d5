using System.Buffers.Text;
using System.CommandLine;
using Detente.Node;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Storage;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private Command PartnerCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var name = new Argument<string>("NAME") { Description = "The partner's name, also the principal its tokens and client certificate authenticate as." };
        var identity = new Option<string>("--identity") { Description = "The id of the partner's STIX identity (identity--UUID).", Required = true };
        var key = new Option<string>("--key") { Description = "The partner's Ed25519 public key: 32 bytes as 64 hex digits or base64url.", Required = true };
        var url = new Option<string?>("--url") { Description = "The partner node's base URL (https; http only to a loopback host), to sync from." };
        var token = new Option<string?>("--token")
        {
            Description = "The API token the partner issued to this node, for sync. Kept in the data folder (partners/NAME/token, 0600), never printed.",
        };
        var logKey = new Option<string?>("--log-key")
        {
            Description = "The partner log's verifier key (name+hash+base64, as its 'detente log key' prints): pins its log origin for the audit.",
        };
        var caCert = new Option<string?>("--ca-cert") { Description = "A PEM certificate to trust as the root of the partner's server certificate (its self-signed one)." };
        var clientCert = new Option<string?>("--client-cert") { Description = "A PEM client certificate for mutual TLS with the partner." };
        var clientKey = new Option<string?>("--client-key") { Description = "The PEM private key of --client-cert." };
        var refuseRedacted = new Option<bool>("--refuse-redacted")
        {
            Description = "Treat a version the partner's node serves redacted (which its log cannot prove) as a missing-object alarm, "
                + "so that every object received from it is proven in its log. By default such a version is received, redacted and unproven, and counted.",
        };
        var add = new Command("add", "Register a partner node (and how to sync from it).")
        {
            name, identity, key, url, token, logKey, caCert, clientCert, clientKey, refuseRedacted, data, postgres,
        };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            string? logKeyText = result.GetValue(logKey);
            if (logKeyText is not null && !Detente.Ledger.Notes.NoteVerifierKey.TryParse(logKeyText, out _))
            {
                await _stderr.WriteLineAsync("detente: --log-key is a C2SP verifier key (name+hash+base64), as 'detente log key' prints it.");
                return ExitCodes.Unusable;
            }

            string? tokenText = result.GetValue(token);
            if (tokenText is not null && (tokenText.Length is 0 or > 1024 || tokenText.Any(char.IsWhiteSpace)))
            {
                await _stderr.WriteLineAsync("detente: --token is one API token (no spaces).");
                return ExitCodes.Unusable;
            }

            if (!TryReadKey(result.GetValue(key)!, out byte[]? raw))
            {
                await _stderr.WriteLineAsync("detente: --key is a 32-byte Ed25519 public key, as 64 hex digits or 43 base64url characters.");
                return ExitCodes.Unusable;
            }

            string? urlText = result.GetValue(url);
            Uri? partnerUrl = null;
            if (urlText is not null && !Uri.TryCreate(urlText, UriKind.Absolute, out partnerUrl))
            {
                await _stderr.WriteLineAsync("detente: --url is an absolute URL.");
                return ExitCodes.Unusable;
            }

            var secrets = new Detente.Node.Sync.PartnerSecrets(NodeDataFolder.Open(result.GetValue(data)!));

            var partner = new PartnerRecord
            {
                Name = result.GetValue(name)!,
                Identity = result.GetValue(identity)!,
                VerificationKey = raw,
                Url = partnerUrl,
                RefuseRedacted = result.GetValue(refuseRedacted),
            };
            if (partner.Check() is { } problem)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            if (await store.AddPartnerAsync(partner, cancellationToken) != SharingChange.Changed)
            {
                await _stderr.WriteLineAsync($"detente: a partner named {partner.Name} or with identity {partner.Identity} exists.");
                return ExitCodes.Invalid;
            }

            try
            {
                secrets.Save(partner.Name, tokenText, result.GetValue(caCert), result.GetValue(clientCert), result.GetValue(clientKey));
            }
            catch (NodeConfigurationException)
            {
                // Nothing half-done: the partner goes again with its refused settings.
                await store.RemovePartnerAsync(partner.Name, cancellationToken);
                throw;
            }

            if (logKeyText is not null)
            {
                await store.SetPartnerLogKeyAsync(partner.Name, logKeyText, cancellationToken);
            }

            await _stdout.WriteLineAsync($"Partner {partner.Name} ({partner.Identity}) added; key id {StixVerificationKeyId(raw)}"
                + (logKeyText is null ? "." : $"; its log is pinned to {logKeyText.Split('+')[0]}.")
                + (tokenText is null ? string.Empty : " Its token is kept in the data folder.")
                + (partner.RefuseRedacted ? " Versions it serves redacted are refused (missing-object)." : string.Empty));
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List partners: name, identity, key id, URL, sharing groups.") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            IReadOnlyList<SharingGroupRecord> groups = await store.ListSharingGroupsAsync(cancellationToken);
            // The keys valid now (not revoked, not past their not-after): the registration key once revoked is no longer shown.
            DateTimeOffset now = _timeProvider.GetUtcNow();
            await _stdout.WriteLineAsync(string.Join('\t', "NAME", "IDENTITY", "KEY IDS", "URL", "GROUPS", "REDACTED"));
            foreach (PartnerRecord p in await store.ListPartnersAsync(cancellationToken))
            {
                string member = string.Join(',', groups.Where(g => g.Members.Contains(p.Name)).Select(g => g.Name));
                string keys = p.Keys.Count == 0 ? StixVerificationKeyId(p.VerificationKey.ToArray())
                    : string.Join(',', p.Keys.Where(k => k.IsValidAt(now)).Select(k => k.KeyId));
                await _stdout.WriteLineAsync(string.Join('\t', p.Name, p.Identity, keys.Length == 0 ? "-" : keys,
                    p.Url?.AbsoluteUri ?? "-", member.Length == 0 ? "-" : member, p.RefuseRedacted ? "refused" : "accepted"));
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        // Its connection secrets in the data folder go with it.
        Command remove = RemoveCommand("remove", "Remove a partner, its group memberships and collection partnerships.", "NAME", "The partner's name.",
            "partner", (store, partner, ct) => store.RemovePartnerAsync(partner, ct), partner => $"Partner {partner} removed.",
            (folder, partner) => new Detente.Node.Sync.PartnerSecrets(NodeDataFolder.Open(folder)).Delete(partner));
        return new Command("partner", "Partner nodes of the federation (operates on the node's store; a running node picks changes up).")
        {
            add, list, remove, PartnerKeyCommand(), PartnerDelegateCommand(), PartnerRuleCommand(), SubscribeCommand(), PartnerRedactedCommand(),
        };
    }

    private Command PartnerKeyCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var partner = new Argument<string>("PARTNER") { Description = "The partner's name." };
        var key = new Argument<string>("KEY") { Description = "The Ed25519 public key: 32 bytes as 64 hex digits or base64url." };
        var notAfter = new Option<string?>("--not-after") { Description = "The end of the key's validity, a UTC timestamp (2027-01-01T00:00:00Z)." };
        var add = new Command("add", "Add a key whose signatures the node accepts on the partner's objects.") { partner, key, notAfter, data, postgres };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            if (!TryReadKey(result.GetValue(key)!, out byte[]? raw))
            {
                await _stderr.WriteLineAsync("detente: KEY is a valid 32-byte Ed25519 public key, as 64 hex digits or 43 base64url characters.");
                return ExitCodes.Unusable;
            }

            DateTimeOffset? end = null;
            if (result.GetValue(notAfter) is string text)
            {
                if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
                {
                    await _stderr.WriteLineAsync("detente: --not-after is a timestamp, e.g. 2027-01-01T00:00:00Z.");
                    return ExitCodes.Unusable;
                }

                end = parsed;
            }

            string name = result.GetValue(partner)!;
            SharingChange change = await store.AddPartnerKeyAsync(name, raw, end, cancellationToken);
            return await ReportKeyAsync(change, name, $"Key {StixVerificationKeyId(raw)} added to partner {name}"
                + (end is { } e ? " until " + e.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : string.Empty) + ".");
        }, cancellationToken));

        Command list = PartnerListCommand("List a partner's keys: key id, added, not after, state.", async found =>
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            await _stdout.WriteLineAsync(string.Join('\t', "KEY ID", "ADDED", "NOT AFTER", "STATE"));
            foreach (PartnerKeyRecord k in found.Keys)
            {
                string state = k.Revoked is { } revoked ? "revoked " + Utc(revoked) : k.IsValidAt(now) ? "valid" : "expired";
                await _stdout.WriteLineAsync(string.Join('\t', k.KeyId, k.Added is { } a ? Utc(a) : "-", k.NotAfter is { } n ? Utc(n) : "-", state));
            }
        });

        Option<string> removeData = DataOption();
        Option<string?> removePostgres = PostgresOption();
        var removePartner = new Argument<string>("PARTNER") { Description = "The partner's name." };
        var removeKey = new Argument<string>("KEY") { Description = "The public key (64 hex digits or base64url), or its key id." };
        var remove = new Command("remove", "Revoke a partner's key: its signatures are refused from now on (it stays listed as revoked).")
        {
            removePartner, removeKey, removeData, removePostgres,
        };
        remove.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(removeData)!, result.GetValue(removePostgres), async store =>
        {
            string name = result.GetValue(removePartner)!, text = result.GetValue(removeKey)!;
            if (await FindPartnerAsync(store, name, cancellationToken) is not { } found)
            {
                return ExitCodes.Invalid;
            }

            // The key itself, or its key id (both may be 64 hex digits: the partner's keys tell them apart).
            PartnerKeyRecord? match = found.Keys.FirstOrDefault(k => string.Equals(k.KeyId, text, StringComparison.OrdinalIgnoreCase)
                || (TryReadKey(text, out byte[]? raw) && k.PublicKey.Span.SequenceEqual(raw)));
            if (match is null)
            {
                await _stderr.WriteLineAsync($"detente: partner {name} has no key {text}.");
                return ExitCodes.Invalid;
            }

            SharingChange change = await store.RevokePartnerKeyAsync(name, match.PublicKey, cancellationToken);
            return await ReportKeyAsync(change, name, change == SharingChange.Unchanged
                ? $"Key {match.KeyId} of partner {name} was revoked already."
                : $"Key {match.KeyId} of partner {name} revoked.");
        }, cancellationToken));
        return new Command("key", "The Ed25519 keys whose signatures the node accepts on a partner's objects.") { add, list, remove };
    }

    /// <summary>A <c>list PARTNER</c> command that prints what <paramref name="print"/> writes of the partner (exit 1 without one).</summary>
    private Command PartnerListCommand(string description, Func<PartnerRecord, Task> print)
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var partner = new Argument<string>("PARTNER") { Description = "The partner's name." };
        var list = new Command("list", description) { partner, data, postgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            if (await FindPartnerAsync(store, result.GetValue(partner)!, cancellationToken) is not { } found)
            {
                return ExitCodes.Invalid;
            }

            await print(found);
            return ExitCodes.Ok;
        }, cancellationToken));
        return list;
    }

    /// <summary>The partner named <paramref name="name"/>, or null after saying on stderr that there is none.</summary>
    private async Task<PartnerRecord?> FindPartnerAsync(IStore store, string name, CancellationToken cancellationToken)
    {
        PartnerRecord? found = (await store.ListPartnersAsync(cancellationToken)).FirstOrDefault(p => p.Name == name);
        if (found is null)
        {
            await _stderr.WriteLineAsync($"detente: no partner {name}.");
        }

        return found;
    }

    private Command PartnerRedactedCommand()
    {
        Command Change(bool refuse)
        {
            Option<string> data = DataOption();
            Option<string?> postgres = PostgresOption();
            var partner = new Argument<string>("PARTNER") { Description = "The partner's name." };
            var command = new Command(refuse ? "refuse" : "accept", refuse
                ? "Treat a version the partner's node serves redacted (its log cannot prove it) as a missing-object alarm."
                : "Receive a version the partner's node serves redacted, signed by it as its creator, as redacted and unproven (counted, no alarm).")
            {
                partner, data, postgres,
            };
            command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
            {
                string name = result.GetValue(partner)!;
                SharingChange change = await store.SetPartnerRefusesRedactedAsync(name, refuse, cancellationToken);
                return await ReportAsync(change, string.Empty, name, refuse
                    ? $"Versions partner {name} serves redacted are refused (missing-object)."
                    : $"Versions partner {name} serves redacted are received as redacted and unproven.");
            }, cancellationToken));
            return command;
        }

        return new Command("redacted", "Whether versions a partner's node serves redacted are received (redacted and unproven) or refused.")
        {
            Change(true), Change(false),
        };
    }

    private Command PartnerDelegateCommand()
    {
        Command Change(bool delegated)
        {
            Option<string> data = DataOption();
            Option<string?> postgres = PostgresOption();
            var partner = new Argument<string>("PARTNER") { Description = "The partner's name." };
            var identity = new Argument<string>("IDENTITY") { Description = "The delegated identity's id (identity--UUID)." };
            var command = new Command(delegated ? "add" : "remove", delegated
                ? "Accept objects created by IDENTITY from the partner (signed by the partner's key, or by IDENTITY's when it is a partner's)."
                : "Stop accepting objects created by IDENTITY from the partner.")
            {
                partner, identity, data, postgres,
            };
            command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
            {
                string name = result.GetValue(partner)!, id = result.GetValue(identity)!;
                if (!StixId.TryParse(id, out StixId parsed) || parsed.Type != "identity")
                {
                    await _stderr.WriteLineAsync("detente: IDENTITY is the id of a STIX identity object (identity--UUID).");
                    return ExitCodes.Unusable;
                }

                SharingChange change;
                try
                {
                    change = await store.SetPartnerDelegationAsync(name, id, delegated, cancellationToken);
                }
                catch (ArgumentException e)
                {
                    await _stderr.WriteLineAsync("detente: " + e.Message.Split(" (Parameter", 2)[0]);
                    return ExitCodes.Invalid;
                }

                return await ReportAsync(change, string.Empty, name, delegated
                    ? $"Partner {name} may send objects created by {id}."
                    : $"Partner {name} may not send objects created by {id}.");
            }, cancellationToken));
            return command;
        }

        Command list = PartnerListCommand("List the identities a partner may send objects of, its own first.", async found =>
        {
            await _stdout.WriteLineAsync(found.Identity + "\town");
            foreach (string identity in found.DelegatedIdentities)
            {
                await _stdout.WriteLineAsync(identity + "\tdelegated");
            }
        });
        return new Command("delegate", "Identities besides its own whose objects a partner may send.") { Change(true), Change(false), list };
    }

    private async Task<int> ReportKeyAsync(SharingChange change, string partner, string done)
    {
        string? problem = change switch
        {
            SharingChange.PartnerNotFound => $"no partner {partner}.",
            SharingChange.AlreadyExists => "that key is held already (by this partner, revoked or not, or by another partner).",
            SharingChange.KeyNotFound => $"partner {partner} has no such key.",
            SharingChange.LastKey => $"that is the last valid key of partner {partner}; add another first, or remove the partner.",
            _ => null,
        };
        if (problem is not null)
        {
            await _stderr.WriteLineAsync("detente: " + problem);
            return ExitCodes.Invalid;
        }

        await _stdout.WriteLineAsync(done);
        return ExitCodes.Ok;
    }

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private Command GroupCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var name = new Argument<string>("NAME") { Description = "The group's name (g-elections)." };
        var marking = new Option<string?>("--marking")
        {
            Description = "The marking-definition id objects carry to name the group. Default: a new random one.",
        };
        var add = new Command("add", "Create a sharing group; prints the marking that names it on objects.") { name, marking, data, postgres };
        add.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            string group = result.GetValue(name)!;
            string markingId = result.GetValue(marking) ?? StixId.NewRandom("marking-definition").ToString();
            if (new SharingGroupRecord(group, markingId, []).Check() is { } problem)
            {
                await _stderr.WriteLineAsync("detente: " + problem);
                return ExitCodes.Unusable;
            }

            if (await store.AddSharingGroupAsync(group, markingId, cancellationToken) != SharingChange.Changed)
            {
                await _stderr.WriteLineAsync($"detente: a sharing group named {group} or with marking {markingId} exists.");
                return ExitCodes.Invalid;
            }

            await _stdout.WriteLineAsync($"Sharing group {group} created; objects name it with the marking {markingId}.");
            return ExitCodes.Ok;
        }, cancellationToken));

        Option<string> listData = DataOption();
        Option<string?> listPostgres = PostgresOption();
        var list = new Command("list", "List sharing groups: name, marking, members.") { listData, listPostgres };
        list.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(listData)!, result.GetValue(listPostgres), async store =>
        {
            await _stdout.WriteLineAsync(string.Join('\t', "NAME", "MARKING", "MEMBERS"));
            foreach (SharingGroupRecord g in await store.ListSharingGroupsAsync(cancellationToken))
            {
                await _stdout.WriteLineAsync(string.Join('\t', g.Name, g.MarkingDefinitionId, g.Members.Count == 0 ? "-" : string.Join(',', g.Members)));
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        Command remove = RemoveCommand("remove", "Remove a sharing group.", "NAME", "The group's name.",
            "sharing group", (store, group, ct) => store.RemoveSharingGroupAsync(group, ct), group => $"Sharing group {group} removed.");
        return new Command("group", "Sharing groups: named sets of partners (operates on the node's store).")
        {
            add, list, remove, new Command("member", "Members of a sharing group.") { MemberCommand(true), MemberCommand(false) },
        };
    }

    private Command MemberCommand(bool add)
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var group = new Argument<string>("GROUP") { Description = "The sharing group." };
        var partner = new Argument<string>("PARTNER") { Description = "The partner." };
        var command = new Command(add ? "add" : "remove", add ? "Add a partner to a sharing group." : "Remove a partner from a sharing group.")
        {
            group, partner, data, postgres,
        };
        command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            string g = result.GetValue(group)!, p = result.GetValue(partner)!;
            return await ReportAsync(await store.SetGroupMemberAsync(g, p, add, cancellationToken), g, p,
                add ? $"{p} is a member of {g}." : $"{p} is not a member of {g}.");
        }, cancellationToken));
        return command;
    }

    private Command CollectionPartnerCommand(bool add)
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var collection = new Argument<string>("ID") { Description = "The collection's id, or its alias in --api-root." };
        var partner = new Argument<string>("PARTNER") { Description = "The partner." };
        var apiRoot = new Option<string>("--api-root")
        {
            Description = "The API root of an alias. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var command = new Command(add ? "add" : "remove",
            add ? "Make a partner a partner of the collection: it receives the collection's TLP:AMBER objects that name no sharing group."
                : "Stop a partner being a partner of the collection.")
        {
            collection, partner, apiRoot, data, postgres,
        };
        command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            Collection? target = await NodeAdmin.FindCollectionAsync(store, result.GetValue(collection)!, result.GetValue(apiRoot)!, cancellationToken);
            if (target is null)
            {
                await _stderr.WriteLineAsync($"detente: no collection '{result.GetValue(collection)}'.");
                return ExitCodes.Invalid;
            }

            string p = result.GetValue(partner)!;
            return await ReportAsync(await store.SetCollectionPartnerAsync(target.Id, p, add, cancellationToken), "-", p,
                add ? $"{p} is a partner of collection {target.Id:D}." : $"{p} is not a partner of collection {target.Id:D}.");
        }, cancellationToken));
        return command;
    }

    private Command DefaultMarkingCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var collection = new Argument<string>("ID") { Description = "The collection's id, or its alias in --api-root." };
        var level = new Argument<string>("LEVEL") { Description = "clear, green, amber, amber+strict or red." };
        level.AcceptOnlyFromAmong("clear", "green", "amber", "amber+strict", "red");
        var apiRoot = new Option<string>("--api-root")
        {
            Description = "The API root of an alias. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var command = new Command("default-tlp", "Set the TLP level of the collection's objects that carry no TLP marking (default amber).")
        {
            collection, level, apiRoot, data, postgres,
        };
        command.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            Collection? target = await NodeAdmin.FindCollectionAsync(store, result.GetValue(collection)!, result.GetValue(apiRoot)!, cancellationToken);
            if (target is null)
            {
                await _stderr.WriteLineAsync($"detente: no collection '{result.GetValue(collection)}'.");
                return ExitCodes.Invalid;
            }

            string marking = result.GetValue(level) switch
            {
                "clear" => TlpMarkings.Tlp2Clear,
                "green" => TlpMarkings.Tlp2Green,
                "amber+strict" => TlpMarkings.Tlp2AmberStrict,
                "red" => TlpMarkings.Tlp2Red,
                _ => TlpMarkings.Tlp2Amber,
            };
            await store.SetDefaultMarkingAsync(target.Id, marking, cancellationToken);
            await _stdout.WriteLineAsync($"Collection {target.Id:D}: objects without a TLP marking are TLP:{result.GetValue(level)!.ToUpperInvariant()}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private Command PolicyCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var objectId = new Argument<string>("OBJECT-ID") { Description = "The object's STIX id." };
        var to = new Option<string>("--to") { Description = "The reader: a partner's name, or a principal of the node's tokens.", Required = true };
        var collection = new Option<string?>("--collection") { Description = "Only this collection (its id, or its alias in --api-root)." };
        var apiRoot = new Option<string>("--api-root")
        {
            Description = "The API root of an alias. Default: " + NodeBootstrap.DefaultApiRootName,
            DefaultValueFactory = static _ => NodeBootstrap.DefaultApiRootName,
        };
        var explain = new Command("explain",
            "Print the sharing decision and its reason for each stored version of an object, for one reader. Exit 0 when the reader receives "
            + "some version, 1 when every version is withheld (or no collection holds the object).")
        {
            objectId, to, collection, apiRoot, data, postgres,
        };
        explain.SetAction((result, cancellationToken) => WithStoreAsync(result.GetValue(data)!, result.GetValue(postgres), async store =>
        {
            Guid? only = null;
            if (result.GetValue(collection) is { } named)
            {
                Collection? target = await NodeAdmin.FindCollectionAsync(store, named, result.GetValue(apiRoot)!, cancellationToken);
                if (target is null)
                {
                    await _stderr.WriteLineAsync($"detente: no collection '{named}'.");
                    return ExitCodes.Invalid;
                }

                only = target.Id;
            }

            string id = result.GetValue(objectId)!;
            IReadOnlyList<ExplainedVersion> versions = await PolicyExplain.ExplainAsync(store, id, result.GetValue(to)!, only, _timeProvider,
                NodeDataFolder.ReadIdentityId(result.GetValue(data)!), cancellationToken);
            if (versions.Count == 0)
            {
                await _stderr.WriteLineAsync($"detente: no collection holds {id}.");
                return ExitCodes.Invalid;
            }

            foreach (ExplainedVersion v in versions)
            {
                await _stdout.WriteLineAsync(string.Join('\t', v.Version, "collection " + v.CollectionId.ToString("D"), v.Code, v.Reason));
            }

            return versions.Any(v => v.Allowed) ? ExitCodes.Ok : ExitCodes.Invalid;
        }, cancellationToken));
        return new Command("policy", "The node's sharing policy.") { explain };
    }

    private async Task<int> ReportAsync(SharingChange change, string group, string partner, string done)
    {
        string? problem = change switch
        {
            SharingChange.GroupNotFound => $"no sharing group {group}.",
            SharingChange.PartnerNotFound => $"no partner {partner}.",
            SharingChange.CollectionNotFound => "no such collection.",
            _ => null,
        };
        if (problem is not null)
        {
            await _stderr.WriteLineAsync("detente: " + problem);
            return ExitCodes.Invalid;
        }

        await _stdout.WriteLineAsync(done);
        return ExitCodes.Ok;
    }

    private static string StixVerificationKeyId(byte[] raw) =>
        raw.Length == 32 ? Detente.Stix.Signatures.StixVerificationKey.ComputeKeyId(raw) : "-";

    private static bool TryReadKey(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? raw)
    {
        raw = null;
        if (text.Length == 64 && text.All(char.IsAsciiHexDigit))
        {
            raw = Convert.FromHexString(text);
        }
        else if (Base64Url.IsValid(text, out int length) && length == 32)
        {
            raw = Base64Url.DecodeFromChars(text);
        }

        return raw is not null && Detente.Stix.Signatures.StixVerificationKey.TryFromRawPublicKey(raw, out _);
    }
}
