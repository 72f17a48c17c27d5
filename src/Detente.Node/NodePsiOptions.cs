using Detente.Psi;

namespace Detente.Node;

/// <summary>A set of the node's own that an initiator may run PSI against.</summary>
public enum PsiSetKind
{
    /// <summary>The elements of the indicators the principal may read whose pattern is one comparison
    /// <c>[type:value = '…']</c> or <c>[file:hashes.'ALG' = '…']</c>.</summary>
    Indicators = 0,

    /// <summary>The observables the principal's readable sightings point at: each sighting's <c>observed_data_refs</c>,
    /// their <c>object_refs</c>, and of those the cyber-observables with a <c>value</c> or file hashes.</summary>
    Sightings = 1,
}

/// <summary>What one principal may run PSI against.</summary>
/// <param name="Sets">The sets it may name.</param>
/// <param name="Modes">The modes it may ask for. A deviating initiator can learn the intersection in cardinality mode
/// too (see the Psi README), so granting cardinality only is not a weaker grant.</param>
public sealed record PsiGrant(IReadOnlySet<PsiSetKind> Sets, IReadOnlySet<PsiMode> Modes);

/// <summary>
/// The operator's PSI settings: who may run PSI against which set, the per-session set-size cap, the rate limit, the
/// key epoch and where session records go. Default <see cref="Off"/>: no principal may run PSI.
/// </summary>
public sealed record NodePsiOptions
{
    /// <summary>PSI off: no grants.</summary>
    public static NodePsiOptions Off { get; } = new();

    /// <summary>Grants by principal name; a principal without one gets 403, and with none at all the routes answer 404.</summary>
    public IReadOnlyDictionary<string, PsiGrant> Grants { get; init; } = new Dictionary<string, PsiGrant>(StringComparer.Ordinal);

    /// <summary>The largest set an initiator may announce for one session (413 above it). Default 10,000.</summary>
    public int MaxSetSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 10_000;

    /// <summary>Sessions one principal may open per hour (429 with <c>Retry-After</c> beyond it). Default 4.</summary>
    public int SessionsPerHour
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 4;

    /// <summary>How long one responder key serves (its epoch). Default one day.</summary>
    public TimeSpan KeyEpoch
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMinutes(1));
            field = value;
        }
    } = TimeSpan.FromDays(1);

    /// <summary>A session with no request for this long is closed (recorded as expired). Default ten minutes.</summary>
    public TimeSpan SessionTimeout
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Memory for prepared responder sets kept between sessions, per (principal, set, key epoch), least recently used
    /// evicted first; 0 turns the cache off. Default 64 MiB (about two million elements at 32 bytes each).
    /// </summary>
    /// <remarks>A cached set is used only while nothing it was built from could have changed for its reader: no object
    /// added, revoked or deleted in the store, the same readable collections and grants, and the same egress-policy
    /// stamp (<see cref="IEgressPolicy.DecisionStamp"/>; a policy without one is never cached).</remarks>
    public long PreparedSetCacheBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = 64L << 20;

    /// <summary>Where every session's record goes; null appends it to the transparency log (<see cref="TransparencyLogPsiSessionRecorder"/>).</summary>
    public IPsiSessionRecorder? Recorder { get; init; }

    /// <summary>Whether any principal may run PSI.</summary>
    public bool Enabled => Grants.Count > 0;

    /// <summary>
    /// Parses a <c>--psi-allow</c> value, <c>PRINCIPAL=SET[,SET]</c> with SET <c>indicators</c> or <c>sightings</c>; the
    /// grant allows both modes.
    /// </summary>
    /// <returns>The principal and its grant, or null with <paramref name="error"/> set.</returns>
    public static (string Principal, PsiGrant Grant)? ParseGrant(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            error = $"'{text}' is not PRINCIPAL=SET[,SET] (SET: indicators, sightings)";
            return null;
        }

        var sets = new HashSet<PsiSetKind>();
        foreach (string name in text[(equals + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            if (!TryParseSet(name, out PsiSetKind set))
            {
                error = $"'{name}' is not a PSI set (indicators, sightings)";
                return null;
            }

            sets.Add(set);
        }

        return (text[..equals], new PsiGrant(sets, new HashSet<PsiMode> { PsiMode.Intersection, PsiMode.Cardinality }));
    }

    /// <summary>Reads <c>indicators</c> or <c>sightings</c>.</summary>
    public static bool TryParseSet(string? name, out PsiSetKind set)
    {
        switch (name)
        {
            case "indicators":
                set = PsiSetKind.Indicators;
                return true;
            case "sightings":
                set = PsiSetKind.Sightings;
                return true;
            default:
                set = default;
                return false;
        }
    }

    /// <summary>The wire name of a set.</summary>
    public static string SetName(PsiSetKind set) => set == PsiSetKind.Indicators ? "indicators" : "sightings";
}
