using Detente.Patterns.Observations;
using Detente.Stix;
using Detente.Stix.Identifiers;
using Detente.Stix.Json;

namespace Detente.Patterns.Telemetry;

/// <summary>Builds the SCOs of one flat log event from its normalized values (the slow path of <see cref="FlatEventReader"/>).</summary>
/// <remarks>
/// Value objects (<c>ipv4-addr</c>, <c>domain-name</c>, <c>url</c>, …): one per distinct (type, value). Other types: one
/// event object per type, collecting properties, dictionary members, list items and references; a property (or
/// dictionary member) already set to a different value starts another object of that type. Ids are the deterministic
/// SCO ids (STIX 2.1 §2.9), computed after references are filled in.
/// </remarks>
internal static class FlatObservationBuilder
{
    public static Observation Build(List<FlatEventReader.CollectedValue> values, FlatEvent flatEvent)
    {
        var valueObjects = new List<(string Type, string Value, string Id)>();
        var eventObjects = new List<EventObject>();
        foreach (FlatEventReader.CollectedValue v in values)
        {
            MappingTarget? target = v.Target;
            if (target is null)
            {
                ValueObject("url", v.Text);
                continue;
            }

            switch (target.Kind)
            {
                case TargetKind.Address:
                case TargetKind.Domain:
                    ValueObject(TypeOf(v.RefType), v.Text);
                    break;
                case TargetKind.ValueObject:
                    ValueObject(target.ObjectType, v.Text);
                    break;
                case TargetKind.Reference:
                    Set(target.ObjectType, target.Property, null, new JsonString(ValueObject(TypeOf(v.RefType), v.Text)));
                    break;
                case TargetKind.Hash:
                case TargetKind.DictionaryMember:
                    Set(target.ObjectType, target.Property, target.Key, Json(v));
                    break;
                case TargetKind.Protocol:
                case TargetKind.ListItem:
                    Append(target.ObjectType, target.Property, Json(v));
                    break;
                default:
                    Set(target.ObjectType, target.Property, null, Json(v));
                    break;
            }
        }

        var objects = new List<ObservedObject>(valueObjects.Count + eventObjects.Count);
        foreach ((string type, string value, string id) in valueObjects)
        {
            objects.Add(new ObservedObject(id, Sco(type, [new("value", new JsonString(value))]), isListed: true));
        }

        foreach (EventObject e in eventObjects)
        {
            var members = new List<KeyValuePair<string, JsonValue>>();
            foreach ((string name, object value) in e.Members)
            {
                members.Add(new(name, value switch
                {
                    JsonValue json => json,
                    List<KeyValuePair<string, JsonValue>> dictionary => JsonObject.Create(dictionary),
                    List<JsonValue> list => JsonArray.Create(list),
                    _ => throw new InvalidOperationException("Unexpected member value."),
                }));
            }

            StixObject sco = Sco(e.Type, members);
            objects.Add(new ObservedObject(sco.Id!, sco, isListed: true));
        }

        StixTimestamp time = flatEvent.StixTimestamp;
        return Observation.Create(time, time, 1, objects, ObservationForm.Flat, id: null, flatEvent.Position);

        string ValueObject(string type, string value)
        {
            foreach ((string t, string v, string id) in valueObjects)
            {
                if (t == type && v == value)
                {
                    return id;
                }
            }

            string newId = Sco(type, [new("value", new JsonString(value))]).Id!;
            valueObjects.Add((type, value, newId));
            return newId;
        }

        void Set(string type, string property, string? key, JsonValue value)
        {
            foreach (EventObject e in eventObjects)
            {
                if (e.Type == type && e.TrySet(property, key, value))
                {
                    return;
                }
            }

            var created = new EventObject(type);
            created.TrySet(property, key, value);
            eventObjects.Add(created);
        }

        void Append(string type, string property, JsonValue value)
        {
            EventObject? e = eventObjects.Find(o => o.Type == type);
            if (e is null)
            {
                e = new EventObject(type);
                eventObjects.Add(e);
            }

            e.Append(property, value);
        }
    }

    private static string TypeOf(FlatEventReader.RefType refType) => refType switch
    {
        FlatEventReader.RefType.V4 => "ipv4-addr",
        FlatEventReader.RefType.V6 => "ipv6-addr",
        FlatEventReader.RefType.Mac => "mac-addr",
        FlatEventReader.RefType.Email => "email-addr",
        _ => "domain-name",
    };

    private static JsonValue Json(FlatEventReader.CollectedValue v) => v.Kind switch
    {
        FlatValueKind.Integer => new JsonNumber(v.Integer),
        FlatValueKind.Number => new JsonNumber(v.Number),
        _ => new JsonString(v.Text),
    };

    /// <summary>An SCO with its deterministic id (a random one if the type has no id contributing properties).</summary>
    private static StixObject Sco(string type, List<KeyValuePair<string, JsonValue>> properties)
    {
        var members = new List<KeyValuePair<string, JsonValue>>(properties.Count + 3)
        {
            new("type", new JsonString(type)),
            new("spec_version", new JsonString("2.1")),
        };
        members.AddRange(properties);
        var sco = new StixObject(JsonObject.Create(members));
        StixId id = ScoIds.TryCompute(sco, out StixId computed) ? computed : StixId.NewRandom(type);
        return sco.With("id", id.ToString());
    }

    /// <summary>The members of one event object being collected: values, dictionaries (hashes) and lists.</summary>
    private sealed class EventObject(string type)
    {
        public string Type { get; } = type;

        public List<(string Name, object Value)> Members { get; } = [];

        public bool TrySet(string property, string? key, JsonValue value)
        {
            int at = Members.FindIndex(m => m.Name == property);
            if (key is null)
            {
                if (at < 0)
                {
                    Members.Add((property, value));
                    return true;
                }

                return Members[at].Value is JsonValue existing && existing.Equals(value);
            }

            if (at < 0)
            {
                Members.Add((property, new List<KeyValuePair<string, JsonValue>> { new(key, value) }));
                return true;
            }

            if (Members[at].Value is not List<KeyValuePair<string, JsonValue>> dictionary)
            {
                return false;
            }

            int member = dictionary.FindIndex(m => m.Key == key);
            if (member < 0)
            {
                dictionary.Add(new(key, value));
                return true;
            }

            return dictionary[member].Value.Equals(value);
        }

        public void Append(string property, JsonValue value)
        {
            int at = Members.FindIndex(m => m.Name == property);
            if (at < 0)
            {
                Members.Add((property, new List<JsonValue> { value }));
            }
            else if (Members[at].Value is List<JsonValue> list && !list.Contains(value))
            {
                list.Add(value);
            }
        }
    }
}
