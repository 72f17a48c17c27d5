using CsCheck;
using Detente.Stix;
using Detente.Testing;

namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static readonly string[] s_modelIds =
    [
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator--1b4f2c5a-9e0d-4b7e-a1f3-5c6d7e8f9a0b",
        "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
    ];

    private static readonly string[] s_modelTypes = ["indicator", "malware", "ipv4-addr"];

    // Versions include one instant written twice with different precision, a nanosecond fraction, and no version at all.
    private static readonly string?[] s_modelVersions =
    [
        "2025-06-01T00:00:01Z", "2025-06-01T00:00:01.000Z", "2025-06-01T00:00:01.5Z", "2025-06-01T00:00:01.123456789Z",
        "2025-06-01T00:00:02Z", null,
    ];

    private static readonly DateTimeOffset s_modelEpoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One step of a generated history: a batch to add (after moving the clock), or a delete.</summary>
    public sealed record ModelStep((int Id, int Version, bool Spec20)[] Batch, int ClockStep, bool IsDelete, int DeleteId, int Versions, int Timestamps, int Specs)
    {
        public override string ToString() => IsDelete
            ? $"delete {DeleteId} v{Versions}/t{Timestamps}/s{Specs}"
            : $"add +{ClockStep}µs [{string.Join(' ', Batch.Select(b => $"{b.Id}:{b.Version}{(b.Spec20 ? "/2.0" : string.Empty)}"))}]";
    }

    /// <summary>A generated read: each field selects part of a filter.</summary>
    public sealed record ModelRead(int AddedAfterMicros, bool HalfMicro, int Ids, int Types, int Versions, int Timestamps, int Specs, int PageHint)
    {
        public override string ToString() => $"after {AddedAfterMicros}{(HalfMicro ? ".5" : string.Empty)} ids {Ids} types {Types} v{Versions}/t{Timestamps} specs {Specs} hint {PageHint}";
    }

    private static readonly Gen<ModelStep> s_step = Gen.Select(
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 3].Select(i => i == 0)).Array[1, 6],
        Gen.Int[0, 2],
        Gen.Int[0, 6].Select(i => i == 0),
        Gen.Int[0, 3],
        Gen.Int[0, 7],
        Gen.Int[0, 31],
        Gen.Int[0, 3],
        (batch, clock, delete, id, versions, timestamps, specs) => new ModelStep(batch, clock, delete, id, versions, timestamps, specs));

    private static readonly Gen<ModelRead> s_read = Gen.Select(
        Gen.Int[-1, 30], Gen.Bool, Gen.Int[0, 15], Gen.Int[0, 7], Gen.Int[0, 7], Gen.Int[0, 31], Gen.Int[0, 3], Gen.Int[0, 3],
        (after, half, ids, types, versions, timestamps, specs, hint) => new ModelRead(after, half, ids, types, versions, timestamps, specs, hint));

    [Fact]
    public async Task Random_histories_and_filters_agree_with_the_model()
    {
        Gen<(ModelStep[] Steps, ModelRead[] Reads)> histories = Gen.Select(s_step.Array[1, 8], s_read.Array[6]);
        await Property.ForAllAsync(histories, async history =>
        {
            Guid collection = await NewCollectionAsync();
            var model = new StoreModel();
            Clock.Set(s_modelEpoch);
            foreach (ModelStep step in history.Steps)
            {
                if (step.IsDelete)
                {
                    VersionFilter versions = VersionsOf(step.Versions, step.Timestamps, VersionFilter.All);
                    string[] specs = SpecsOf(step.Specs);
                    Assert.Equal(model.Delete(s_modelIds[step.DeleteId], versions, specs),
                        await Store.DeleteObjectAsync(collection, s_modelIds[step.DeleteId], versions, specs));
                    continue;
                }

                Clock.Advance(TimeSpan.FromTicks(step.ClockStep * 10));
                ObjectToAdd[] batch = step.Batch
                    .Select(b => TestObjects.Version(s_modelIds[b.Id], s_modelVersions[b.Version], b.Spec20 ? "2.0" : "2.1", $"{b.Version}"))
                    .ToArray();
                var expected = model.Add(batch, Clock.GetUtcNow());
                AddObjectsResult actual = await Store.AddObjectsAsync(collection, batch);
                Assert.Equal(
                    expected.Select(e => (e.AlreadyPresent, e.DateAdded, e.Version.ToString())),
                    actual.Objects.Select(a => (a.AlreadyPresent, a.DateAdded, a.Version.ToString())));
            }

            // Each object's latest version is what the default filter selects; every read marks it, and the latest lookup finds it.
            var latest = model.Read(ObjectFilter.None).ToDictionary(r => r.Id, r => r.DateAdded, StringComparer.Ordinal);
            foreach (ModelRead read in history.Reads)
            {
                ObjectFilter filter = FilterOf(read);
                List<StoredObject> actual = await Store.ReadObjectsAsync(collection, filter, null, read.PageHint, Ct).ToListAsync(Ct);
                Assert.Equal(
                    model.Read(filter).Select(r => $"{r.Id} {r.SpecVersion} {r.Version} {r.DateAdded:O} {Convert.ToHexString(r.Json)} {latest[r.Id] == r.DateAdded}"),
                    actual.Select(o => $"{o.Id} {o.SpecVersion} {o.Version} {o.DateAdded:O} {Convert.ToHexString(o.Json.Span)} {o.IsLatest}"));
            }

            IReadOnlyDictionary<string, StoredObject> found = await Store.ReadLatestVersionsAsync(collection, [.. s_modelIds, TestObjects.NewId()], Ct);
            Assert.Equal(latest.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)),
                found.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.DateAdded)));
            Assert.All(found.Values, v => Assert.True(v.IsLatest));
        }, iterations: 60, print: h => string.Join("; ", h.Steps.Select(s => s.ToString())) + " | " + string.Join("; ", h.Reads.Select(r => r.ToString())));
    }

    private static ObjectFilter FilterOf(ModelRead read) => new()
    {
        AddedAfter = read.AddedAfterMicros < 0
            ? null
            : StixTimestamp.FromDateTimeOffset(s_modelEpoch.AddTicks((read.AddedAfterMicros * 10) + (read.HalfMicro ? 5 : 0)), 7),
        Ids = Pick(s_modelIds, read.Ids),
        Types = Pick(s_modelTypes, read.Types),
        Versions = VersionsOf(read.Versions, read.Timestamps, VersionFilter.Last),
        SpecVersions = SpecsOf(read.Specs),
    };

    private static VersionFilter VersionsOf(int selectors, int timestamps, VersionFilter fallback)
    {
        var filter = new VersionFilter
        {
            IncludeFirst = (selectors & 1) != 0,
            IncludeLast = (selectors & 2) != 0,
            IncludeAll = (selectors & 4) != 0,
            Timestamps = Pick(s_modelVersions[..5], timestamps).Select(t => StixTimestamp.Parse(t!)).ToArray(),
        };
        return filter.IsEmpty ? fallback : filter;
    }

    private static string[] SpecsOf(int mask) => Pick(["2.0", "2.1"], mask);

    private static T[] Pick<T>(T[] values, int mask) => values.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
}
