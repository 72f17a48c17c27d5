using CsCheck;
using Detente.Stix;
using Detente.Stix.Json;
using Detente.Testing;

namespace Detente.Taxii.Tests.Resources;

/// <summary>Every resource the library can build writes to JSON that reads back to a resource that writes the same bytes.</summary>
public sealed class RoundTripProperties
{
    private static readonly TaxiiReader s_reader = new();

    private static readonly Gen<string> s_text = JsonGenerators.String;

    private static readonly Gen<string?> s_optional = s_text.Null(0.33);

    private static readonly Gen<string> s_nonEmpty = s_text.Where(static s => s.Length > 0);

    private static readonly Gen<StixTimestamp> s_timestamp =
        Gen.Select(Gen.Long[0, 300_000_000_000L], Gen.Int[0, 7], Gen.Int[0, 9_999_999], static (seconds, digits, fraction) =>
        {
            string text = new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds % 3_000_000_000L)
                .ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            return StixTimestamp.Parse(digits == 0 ? text + "Z" : $"{text}.{fraction.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)[..digits]}Z");
        });

    private static readonly Gen<long> s_count = Gen.Frequency((4, Gen.Long[0, 1000]), (1, Gen.Long[0, JsonNumber.MaxSafeInteger]));

    private static readonly Gen<ITaxiiResource> s_resource = Gen.OneOf(
        Gen.Select(s_text, s_optional, s_optional, s_optional, s_text.Array[0, 4], static (t, d, c, def, roots) =>
            (ITaxiiResource)new TaxiiDiscovery(t) { Description = d, Contact = c, Default = def, ApiRoots = roots }),
        Gen.Select(s_text, s_optional, s_text.Array[1, 3], Gen.Long[1, JsonNumber.MaxSafeInteger], static (t, d, v, max) =>
            (ITaxiiResource)new TaxiiApiRoot(t, v, max) { Description = d }),
        Collection().Array[0, 4].Select(static c => (ITaxiiResource)new TaxiiCollections(c)),
        Collection().Select(static c => (ITaxiiResource)c),
        Gen.Select(Gen.Select(s_nonEmpty, s_timestamp, s_nonEmpty, s_optional, static (id, added, version, media) =>
            new TaxiiManifestRecord(id, added, version) { MediaType = media }).Array[0, 4], Gen.Bool, static (records, more) =>
            (ITaxiiResource)new TaxiiManifest(records, more)),
        Gen.Select(s_text.Array[0, 4], Gen.Bool, static (v, more) => (ITaxiiResource)new TaxiiVersions(v, more)),
        Gen.Select(s_nonEmpty, Gen.Bool, s_timestamp.Nullable(), Gen.Select(s_count, s_count, s_count, s_count),
            Gen.Select(Details().Array[0, 3], Details().Array[0, 3], Details().Array[0, 3]), static (id, complete, requested, counts, lists) =>
                (ITaxiiResource)new TaxiiStatus(id, complete ? TaxiiRequestStatus.Complete : TaxiiRequestStatus.Pending, counts.Item1, counts.Item2, counts.Item3, counts.Item4)
                {
                    RequestTimestamp = requested,
                    Successes = lists.Item1,
                    Failures = lists.Item2,
                    Pendings = lists.Item3,
                }),
        Gen.Select(s_text, Gen.Select(s_optional, s_optional, s_optional, s_optional, s_optional), JsonGenerators.ObjectValue.Null(), static (t, o, details) =>
            (ITaxiiResource)new TaxiiError(t)
            {
                Description = o.Item1,
                ErrorId = o.Item2,
                ErrorCode = o.Item3,
                HttpStatus = o.Item4,
                ExternalDetails = o.Item5,
                Details = details,
            }),
        Gen.Select(JsonGenerators.ObjectValue.Array[0, 4], Gen.Bool, s_nonEmpty.Null(), static (objects, more, next) =>
            (ITaxiiResource)TaxiiEnvelope.Create(objects.Select(static o => new StixObject(o)), more, more ? next : null)));

    private static Gen<TaxiiCollection> Collection() =>
        Gen.Select(s_nonEmpty, s_text, Gen.Bool, Gen.Bool, Gen.Select(s_optional, s_optional, s_text.Array[0, 3]), static (id, title, read, write, o) =>
            new TaxiiCollection(id, title, read, write) { Description = o.Item1, Alias = o.Item2, MediaTypes = o.Item3 });

    private static Gen<TaxiiStatusDetails> Details() =>
        Gen.Select(s_nonEmpty, s_optional, s_optional, static (id, version, message) => new TaxiiStatusDetails(id, version) { Message = message });

    [Fact]
    public void Every_resource_writes_reads_and_writes_the_same_bytes()
    {
        Property.ForAll(s_resource, resource =>
        {
            byte[] first = resource.Serialize();
            byte[] second = ReaderTests.Read(Name(resource), first).Serialize();
            Assert.Equal(first, second);
        }, iterations: 1000, print: static r => System.Text.Encoding.UTF8.GetString(r.Serialize()));
    }

    [Fact]
    public void Envelope_objects_read_back_equal_to_what_was_written()
    {
        Property.ForAll(JsonGenerators.ObjectValue.Array[0, 5], objects =>
        {
            TaxiiEnvelope envelope = TaxiiEnvelope.Create(objects.Select(static o => new StixObject(o)));
            TaxiiEnvelope read = s_reader.ReadEnvelope(envelope.Serialize());
            Assert.Equal(objects.Length, read.Objects.Count);
            for (int i = 0; i < objects.Length; i++)
            {
                Assert.True(objects[i].Equals(read.Objects[i].Object.Json), "an object reads back different");
                Assert.Equal(envelope.Objects[i].Json.ToArray(), read.Objects[i].Json.ToArray());
            }
        });
    }

    private static string Name(ITaxiiResource resource) =>
        resource switch
        {
            TaxiiDiscovery => "discovery",
            TaxiiApiRoot => "api-root",
            TaxiiCollections => "collections",
            TaxiiCollection => "collection",
            TaxiiManifest => "manifest",
            TaxiiVersions => "versions",
            TaxiiStatus => "status",
            TaxiiError => "error",
            TaxiiEnvelope => "envelope",
            _ => throw new ArgumentOutOfRangeException(nameof(resource)),
        };
}
