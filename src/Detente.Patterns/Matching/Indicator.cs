using System.Diagnostics.CodeAnalysis;
using Detente.Stix;

namespace Detente.Patterns.Matching;

/// <summary>An indicator as the compiled matcher holds it: its id, its pattern, and when it is valid.</summary>
/// <remarks>
/// STIX 2.1 §4.7: an indicator is valid from <c>valid_from</c> (inclusive) until <c>valid_until</c> (exclusive); a
/// <c>revoked</c> indicator is not used. The matcher applies the window to event times (see <see cref="IndicatorSet"/>).
/// </remarks>
public sealed record Indicator
{
    /// <summary>Creates an indicator.</summary>
    /// <param name="id">Its id, usually <c>indicator--UUID</c>; any non-empty text is accepted.</param>
    /// <param name="pattern">Its STIX pattern.</param>
    /// <param name="validFrom">The start of its validity (inclusive), or null for no start.</param>
    /// <param name="validUntil">The end of its validity (exclusive), or null for no end.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or <paramref name="validUntil"/> is not after <paramref name="validFrom"/>.</exception>
    public Indicator(string id, Pattern pattern, DateTimeOffset? validFrom = null, DateTimeOffset? validUntil = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(pattern);
        if (validFrom is { } from && validUntil is { } until && until <= from)
        {
            throw new ArgumentException("valid_until must be after valid_from.", nameof(validUntil));
        }

        Id = id;
        Pattern = pattern;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
    }

    /// <summary>The indicator's id.</summary>
    public string Id { get; }

    /// <summary>The pattern.</summary>
    public Pattern Pattern { get; }

    /// <summary>The start of validity (inclusive), or null.</summary>
    public DateTimeOffset? ValidFrom { get; }

    /// <summary>The end of validity (exclusive), or null.</summary>
    public DateTimeOffset? ValidUntil { get; }

    /// <summary>
    /// Reads a STIX indicator object: <c>id</c>, <c>pattern</c> (with <c>pattern_type</c> <c>stix</c> and
    /// <c>pattern_version</c> 2.0 or 2.1), <c>valid_from</c>, <c>valid_until</c>, and <c>revoked</c>.
    /// </summary>
    /// <param name="stixObject">The object.</param>
    /// <param name="indicator">The indicator, or null.</param>
    /// <param name="revoked">True when the object is a revoked indicator (then <paramref name="indicator"/> is null and the caller should remove the id).</param>
    /// <param name="error">Why the object cannot be used, or null.</param>
    /// <returns>True when <paramref name="indicator"/> was read, or when the object is a revoked indicator with an id.</returns>
    public static bool TryFromStix(
        StixObject stixObject,
        out Indicator? indicator,
        out bool revoked,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        indicator = null;
        revoked = false;
        if (stixObject.Type != "indicator")
        {
            error = "The object is not an indicator.";
            return false;
        }

        string? id = stixObject.Id;
        if (string.IsNullOrEmpty(id))
        {
            error = "The indicator has no id.";
            return false;
        }

        if (stixObject.Revoked)
        {
            revoked = true;
            error = null;
            return true;
        }

        string? patternType = stixObject.Json.GetString("pattern_type");
        if (patternType is not null && patternType != "stix")
        {
            error = "The indicator's pattern_type is not stix.";
            return false;
        }

        string? text = stixObject.Json.GetString("pattern");
        if (text is null)
        {
            error = "The indicator has no pattern.";
            return false;
        }

        PatternVersion version = stixObject.Json.GetString("pattern_version") == "2.0" ? PatternVersion.V20 : PatternVersion.V21;
        Pattern pattern;
        try
        {
            pattern = Pattern.Parse(text, version);
        }
        catch (PatternSyntaxException e)
        {
            error = $"The pattern is not valid: {e.Message}";
            return false;
        }

        if (!TryTime(stixObject, "valid_from", out DateTimeOffset? validFrom, out error)
            || !TryTime(stixObject, "valid_until", out DateTimeOffset? validUntil, out error))
        {
            return false;
        }

        if (validFrom is { } from && validUntil is { } until && until <= from)
        {
            error = "valid_until is not after valid_from.";
            return false;
        }

        indicator = new Indicator(id, pattern, validFrom, validUntil);
        error = null;
        return true;
    }

    private static bool TryTime(StixObject stixObject, string name, out DateTimeOffset? time, [NotNullWhen(false)] out string? error)
    {
        time = null;
        error = null;
        if (stixObject.Json[name] is null)
        {
            return true;
        }

        if (stixObject.Json.GetString(name) is not string text || !StixTimestamp.TryParse(text, out StixTimestamp parsed))
        {
            error = $"The indicator's {name} is not a STIX timestamp.";
            return false;
        }

        time = parsed.Value;
        return true;
    }
}
