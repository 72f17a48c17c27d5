using System.Text;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Stix.Signatures;

namespace Detente.Policy;

/// <summary>Removes the parts of an object that a decision of <see cref="PolicyOutcome.AllowWithRedaction"/> names.</summary>
/// <remarks>
/// <para>
/// A pure function: the same object and selectors always give the same redacted object, and the input is not changed.
/// Each selector (STIX 2.1 §7.2.3.1: property names and <c>[index]</c> steps joined by <c>.</c>) removes the property
/// it ends in: <c>description</c> removes <c>description</c>; <c>external_references.[0].url</c> removes <c>url</c> from the
/// first reference; a selector ending in a list index (<c>labels.[1]</c>) removes the whole list, so that no item moves
/// and no remaining selector changes meaning.
/// </para>
/// <para>
/// Granular-marking selectors at or below a removed property are dropped (a marking left without selectors is dropped),
/// and so is the Detente signature extension: the producer's signature covered the original, not the redacted object.
/// When no selector fits the object, nothing is removed and the object is returned as it is.
/// The redacted object keeps its id and <c>modified</c>, so it must never be stored or forwarded as a version of the
/// object; the node serves it in place of the stored bytes, unsigned by the producer.
/// </para>
/// </remarks>
public static class Redaction
{
    /// <summary>Returns <paramref name="stixObject"/> without the parts <paramref name="selectors"/> select.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static StixObject Apply(StixObject stixObject, IEnumerable<string> selectors)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        ArgumentNullException.ThrowIfNull(selectors);
        JsonObject json = stixObject.Json;
        var removed = new List<string>();
        foreach (string selector in selectors)
        {
            ArgumentNullException.ThrowIfNull(selector, nameof(selectors));
            string[] steps = RemovalSteps(selector, out bool list);
            if (steps.Length == 0)
            {
                continue;
            }

            var next = (JsonObject)Remove(json, steps, 0, list);
            if (!ReferenceEquals(next, json))
            {
                removed.Add(string.Join('.', steps));
                json = next;
            }
        }

        if (removed.Count == 0)
        {
            return stixObject;
        }

        json = WithoutSelectors(json, removed);
        if (json["extensions"] is JsonObject extensions && extensions.ContainsKey(SignatureExtension.Id))
        {
            JsonObject rest = extensions.Without(SignatureExtension.Id);
            json = rest.Count == 0 ? json.Without("extensions") : json.With("extensions", rest);
        }

        return new StixObject(json);
    }

    /// <summary>The selector with its list-index steps left out: <c>external_references.[0].url</c> →
    /// <c>external_references.url</c>, the form redaction rules are written in.</summary>
    public static string WithoutIndices(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (!selector.Contains('[', StringComparison.Ordinal))
        {
            return selector;
        }

        var text = new StringBuilder(selector.Length);
        foreach (string step in selector.Split('.'))
        {
            if (IsIndex(step, out _))
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append('.');
            }

            text.Append(step);
        }

        return text.ToString();
    }

    // The steps down to the property a selector removes: trailing list indices are dropped (and then the property must
    // hold a list, or the selector does not fit the object).
    private static string[] RemovalSteps(string selector, out bool list)
    {
        string[] steps = selector.Split('.');
        int end = steps.Length;
        while (end > 0 && IsIndex(steps[end - 1], out _))
        {
            end--;
        }

        list = end < steps.Length;
        return steps[..end];
    }

    private static JsonValue Remove(JsonValue node, string[] steps, int at, bool list)
    {
        string step = steps[at];
        bool last = at == steps.Length - 1;
        switch (node)
        {
            case JsonObject obj when !IsIndex(step, out _):
                if (!obj.TryGetValue(step, out JsonValue? child) || last && list && child is not JsonArray)
                {
                    return obj;
                }

                if (last)
                {
                    return obj.Without(step);
                }

                JsonValue inner = Remove(child, steps, at + 1, list);
                return ReferenceEquals(inner, child) ? obj : obj.With(step, inner);
            case JsonArray array when !last && IsIndex(step, out int index) && index < array.Count:
                JsonValue item = Remove(array[index], steps, at + 1, list);
                if (ReferenceEquals(item, array[index]))
                {
                    return array;
                }

                var items = new JsonValue[array.Count];
                for (int i = 0; i < items.Length; i++)
                {
                    items[i] = i == index ? item : array[i];
                }

                return JsonArray.Create(items);
            default:
                return node; // the selector does not match the object's shape: nothing to remove
        }
    }

    private static JsonObject WithoutSelectors(JsonObject json, List<string> removed)
    {
        if (json["granular_markings"] is not JsonArray markings)
        {
            return json;
        }

        var kept = new List<JsonValue>(markings.Count);
        foreach (JsonValue item in markings)
        {
            if (item is not JsonObject marking || marking["selectors"] is not JsonArray selectors)
            {
                kept.Add(item);
                continue;
            }

            var remaining = new List<JsonValue>(selectors.Count);
            foreach (JsonValue selector in selectors)
            {
                if (selector is not JsonString s || !Covered(s.Value, removed))
                {
                    remaining.Add(selector);
                }
            }

            if (remaining.Count == selectors.Count)
            {
                kept.Add(marking);
            }
            else if (remaining.Count > 0)
            {
                kept.Add(marking.With("selectors", JsonArray.Create(remaining)));
            }
        }

        return kept.Count == 0 ? json.Without("granular_markings") : json.With("granular_markings", JsonArray.Create(kept));
    }

    private static bool Covered(string selector, List<string> removed)
    {
        foreach (string path in removed)
        {
            if (selector.StartsWith(path, StringComparison.Ordinal) && (selector.Length == path.Length || selector[path.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsIndex(string step, out int index)
    {
        index = 0;
        if (step.Length < 3 || step[0] != '[' || step[^1] != ']')
        {
            return false;
        }

        ReadOnlySpan<char> digits = step.AsSpan(1, step.Length - 2);
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }
}
