using System.CommandLine;
using Detente.Node;
using Microsoft.Extensions.Logging;

namespace Detente.Cli;

internal sealed partial class DetenteCli
{
    private static Option<string> DataOption() => new("--data")
    {
        Description = "The node's data folder (key, certificates, SQLite database). Default: " + NodeDataFolder.DefaultPath,
        DefaultValueFactory = static _ => NodeDataFolder.DefaultPath,
    };

    private static Option<string?> PostgresOption() => new("--postgres")
    {
        Description = "A PostgreSQL connection string: keep the store there instead of SQLite in the data folder, in the schema its 'Search Path' names (default: detente).",
    };

    private Command ServeCommand()
    {
        Option<string> data = DataOption();
        Option<string?> postgres = PostgresOption();
        var urls = new Option<string[]>("--urls")
        {
            Description = "The URLs to listen on (space or ';' separated). Plain http only on loopback; https uses --tls-cert/--tls-key "
                + "or a self-signed certificate made on first start. Default: " + NodeHosting.DefaultUrl,
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = static _ => [NodeHosting.DefaultUrl],
        };
        var publicUrl = new Option<string?>("--public-url")
        {
            Description = "The URL clients reach the node at (discovery lists API roots under it). Default: the first address the node listens on.",
        };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "The server certificate (PEM) for https URLs." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "The private key (PEM) of --tls-cert." };
        var publicMetrics = new Option<bool>("--public-metrics") { Description = "Serve /metrics without authentication (default: admin tokens only)." };
        var rate = new Option<int>("--rate-limit")
        {
            Description = "Requests per second per principal (token bucket, burst twice that); 0 turns the limit off. Default: 1000.",
            DefaultValueFactory = static _ => NodeLimits.Default.RatePermits,
        };
        var psiAllow = new Option<string[]>("--psi-allow")
        {
            Description = "Let a principal run private set intersection against the node's sets: PRINCIPAL=SET[,SET] with SET indicators or sightings "
                + "(both modes). Repeat for each principal. Default: PSI off.",
            AllowMultipleArgumentsPerToken = false,
        };
        var psiMaxSet = new Option<int>("--psi-max-set")
        {
            Description = "The largest set an initiator may bring to one PSI session (413 beyond it). Default: " + NodePsiOptions.Off.MaxSetSize + ".",
            DefaultValueFactory = static _ => NodePsiOptions.Off.MaxSetSize,
        };
        var psiRate = new Option<int>("--psi-sessions-per-hour")
        {
            Description = "PSI sessions one principal may open per hour (429 beyond it). Default: " + NodePsiOptions.Off.SessionsPerHour + ".",
            DefaultValueFactory = static _ => NodePsiOptions.Off.SessionsPerHour,
        };
        var logOrigin = new Option<string?>("--log-origin")
        {
            Description = "The transparency log's origin line (its name in checkpoints), e.g. taxii.example.org/log. Default: the one the log "
                + "already has, else derived from --public-url (host/log) or from the node key. It cannot change once the log has entries.",
        };
        var identityName = new Option<string?>("--identity-name")
        {
            Description = "The name of the node's STIX identity, the creator of the objects it signs. Default: the stored one, or 'Detente node' "
                + "and the key id's first 8 digits on first start. A new name writes a new version of the identity; its id never changes.",
        };
        var syncInterval = new Option<string?>("--sync-interval")
        {
            Description = "Sync every subscribed partner (and audit its log) this often: 30s, 5m, 1h. Default: only on demand (detente sync).",
        };
        var logClear = new Option<bool>("--log-clear-tlp-clear")
        {
            Description = "Log versions marked TLP:CLEAR (and nothing stricter) with clear entries that name the object, instead of salted ones.",
        };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "The least level logged to standard error (Trace, Debug, Information, Warning, Error). Default: Information.",
            DefaultValueFactory = static _ => LogLevel.Information,
        };
        var command = new Command("serve", "Run the node: TAXII 2.1 under /taxii2/, /healthz, /readyz and /metrics. The first start creates the data "
            + "folder, the node's Ed25519 key, a default API root and collection, and prints an admin token once. Ctrl-C stops it.")
        {
            data,
            urls,
            postgres,
            publicUrl,
            tlsCert,
            tlsKey,
            publicMetrics,
            rate,
            psiAllow,
            psiMaxSet,
            psiRate,
            logOrigin,
            identityName,
            syncInterval,
            logClear,
            logLevel,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            int permits = result.GetValue(rate);
            string? publicText = result.GetValue(publicUrl);
            Uri? publicUri = null;
            if (publicText is not null && (!Uri.TryCreate(publicText, UriKind.Absolute, out publicUri)
                || (publicUri.Scheme != Uri.UriSchemeHttps && publicUri.Scheme != Uri.UriSchemeHttp)))
            {
                await _stderr.WriteLineAsync("detente: --public-url is an absolute http:// or https:// URL.");
                return ExitCodes.Unusable;
            }

            if (permits < 0)
            {
                await _stderr.WriteLineAsync("detente: --rate-limit is 0 or more.");
                return ExitCodes.Unusable;
            }

            NodePsiOptions? psi = await PsiOptionsAsync(result.GetValue(psiAllow) ?? [], result.GetValue(psiMaxSet), result.GetValue(psiRate));
            if (psi is null)
            {
                return ExitCodes.Unusable;
            }

            TimeSpan? interval = null;
            if (result.GetValue(syncInterval) is { } intervalText)
            {
                if (!NodeAdmin.TryParseLifetime(intervalText, out interval) || interval is null || interval <= TimeSpan.Zero)
                {
                    if (!TryParseSeconds(intervalText, out interval))
                    {
                        await _stderr.WriteLineAsync("detente: --sync-interval is a whole number of seconds, minutes or hours (30s, 5m, 1h).");
                        return ExitCodes.Unusable;
                    }
                }
            }

            var settings = new NodeServeSettings
            {
                DataFolder = result.GetValue(data)!,
                Urls = [.. result.GetValue(urls)!.SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                PostgresConnectionString = result.GetValue(postgres),
                PublicUrl = publicUri,
                TlsCertificateFile = result.GetValue(tlsCert),
                TlsKeyFile = result.GetValue(tlsKey),
                PublicMetrics = result.GetValue(publicMetrics),
                Limits = NodeLimits.Default with { RatePermits = permits, RateBurst = Math.Max(1, permits * 2) },
                LogLevel = result.GetValue(logLevel),
                Psi = psi,
                LogOrigin = result.GetValue(logOrigin),
                IdentityName = result.GetValue(identityName),
                SyncInterval = interval,
                LogClearEntriesForTlpClear = result.GetValue(logClear),
            };
            return await ServeAsync(settings, cancellationToken);
        });
        return command;
    }

    private static bool TryParseSeconds(string text, out TimeSpan? interval)
    {
        interval = null;
        if (text.Length > 1 && text[^1] == 's' && int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int seconds) && seconds > 0)
        {
            interval = TimeSpan.FromSeconds(seconds);
        }

        return interval is not null;
    }

    /// <summary>The PSI settings of <c>serve</c>'s flags; null (with the reason on standard error) when they are not usable.</summary>
    private async Task<NodePsiOptions?> PsiOptionsAsync(string[] grants, int maxSet, int perHour)
    {
        if (maxSet < 1 || perHour < 1)
        {
            await _stderr.WriteLineAsync("detente: --psi-max-set and --psi-sessions-per-hour are 1 or more.");
            return null;
        }

        var parsed = new Dictionary<string, PsiGrant>(StringComparer.Ordinal);
        foreach (string text in grants)
        {
            if (NodePsiOptions.ParseGrant(text, out string? error) is not (string principal, PsiGrant grant))
            {
                await _stderr.WriteLineAsync("detente: --psi-allow " + error);
                return null;
            }

            // A principal named twice gets the union of its sets.
            parsed[principal] = parsed.TryGetValue(principal, out PsiGrant? earlier)
                ? grant with { Sets = new HashSet<PsiSetKind>(earlier.Sets.Concat(grant.Sets)) }
                : grant;
        }

        return new NodePsiOptions { Grants = parsed, MaxSetSize = maxSet, SessionsPerHour = perHour };
    }

    private async Task<int> ServeAsync(NodeServeSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            await NodeServer.RunAsync(settings, _stdout, _stderr, _timeProvider, cancellationToken);
            return ExitCodes.Ok;
        }
        catch (NodeConfigurationException e)
        {
            await _stderr.WriteLineAsync("detente: " + e.Message);
            return ExitCodes.Unusable;
        }
    }
}
