using System.Text;
using BenchmarkDotNet.Attributes;
using Detente.Policy;
using Detente.Stix;
using Detente.Stix.Schema;
using Detente.Stix.Signatures;
using Detente.Testing;

namespace Detente.Benchmarks.Policy;

/// <summary>
/// The egress decision per object version (issue 6 target: under 200 ns for the common case), and what the node pays
/// before it: reading an object's facts from its stored bytes.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>CommonCase</c>: a partner of the collection reads a TLP:AMBER indicator (one marking, no granular
/// markings, no egress rules).</item>
/// <item><c>GreenWithRules</c>: a partner with three egress rules (deny by type, deny by confidence, deny by age)
/// reads a TLP:GREEN indicator.</item>
/// <item><c>WorstCase</c>: a realistic worst case: an object with six object-level markings (TLP 1.0 and 2.0, two
/// sharing groups, a neutral and an unknown one), twelve labels and eight granular markings of three selectors each,
/// all readable, for a partner with twelve egress rules (ten deny rules over types, labels, collections, confidence
/// and age, each with a type or label condition the object fails, and two allow rules of which the last matches).</item>
/// <item><c>WorstCaseRedacted</c>: the same, with two granular markings the reader may not see, covered by redaction
/// rules (the only case that allocates: the list of selectors to redact).</item>
/// <item><c>ReadFacts</c> / <c>ParseAndFacts</c>: facts of a generated indicator (≈ 800 bytes) read straight from its
/// bytes, against building the full tree with the STIX reader first.</item>
/// <item><c>Page100</c>: facts read from the bytes and decision for a page of 100 generated stored objects.</item>
/// <item><c>DecodeFacts</c> / <c>Page100Stored</c>: the same indicator's facts, and the page, with the facts decoded from
/// the form the node stores at ingest (<see cref="ObjectFactsEncoding"/>), as the node's egress gate does.</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class DecisionBenchmarks
{
    private static readonly Guid s_collection = Guid.Parse("5a8f3c2e-1111-4b2a-9c3d-000000000001");
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private const string GroupA = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0001";
    private const string GroupB = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0002";
    private const string Neutral = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0003";
    private const string Unknown = "marking-definition--7f1b0a52-4c2e-4f7a-9d3e-0e0a5c1e0004";

    private SharingPolicy _policy = null!;
    private EgressRequest _common;
    private EgressRequest _amberCreatedByPartner;
    private EgressRequest _greenWithRules;
    private EgressRequest _worst;
    private EgressRequest _worstRedacted;
    private byte[] _indicator = [];
    private byte[][] _page = [];
    private byte[][] _pageFacts = [];
    private byte[] _indicatorFacts = [];
    private PolicyPrincipal _pageReader = null!;
    private PolicyCollection _pageCollection = null!;
    private readonly StixReader _stix = new();

    [GlobalSetup]
    public void Setup()
    {
        StixVerificationKey key = StixVerificationKey.FromRawPublicKey(
            Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
        Partner Partner(int n, params EgressRule[] rules) => new()
        {
            Name = "partner-" + n,
            Identity = $"identity--00000000-0000-4000-8000-{n:D12}",
            VerificationKeys = [key],
            EgressRules = rules,
        };

        EgressRule[] worstRules =
        [
            .. Enumerable.Range(0, 10).Select(i => new EgressRule
            {
                Effect = EgressEffect.Deny,
                ObjectTypes = i % 2 == 0 ? ["identity", "note", "opinion"] : ["report", "grouping", "indicator"],
                Labels = i % 2 == 0 ? [] : ["internal-only", "source-sensitive", "do-not-share"],
                Collections = i == 4 ? [Guid.NewGuid()] : [],
                MaxConfidence = i == 5 ? 10 : null,
                MinAge = i == 7 ? TimeSpan.FromDays(3650) : null,
            }),
            new EgressRule { Effect = EgressEffect.Allow, ObjectTypes = ["malware"] },
            new EgressRule { Effect = EgressEffect.Allow, MaxAge = TimeSpan.FromDays(365) },
        ];
        EgressRule[] someRules =
        [
            new EgressRule { Effect = EgressEffect.Deny, ObjectTypes = ["identity"] },
            new EgressRule { Effect = EgressEffect.Deny, MaxConfidence = 20 },
            new EgressRule { Effect = EgressEffect.Deny, MinAge = TimeSpan.FromDays(730) },
        ];
        _policy = SharingPolicy.Build(new PolicySettings
        {
            Partners = [Partner(1), Partner(2, someRules), Partner(3, worstRules), .. Enumerable.Range(4, 37).Select(n => Partner(n))],
            SharingGroups =
            [
                new SharingGroup { Name = "g-a", MarkingDefinitionId = GroupA, Members = ["partner-1", "partner-3"] },
                new SharingGroup { Name = "g-b", MarkingDefinitionId = GroupB, Members = ["partner-3", "partner-4"] },
            ],
            Collections = [new CollectionSharing { CollectionId = s_collection, Partners = ["partner-1", "partner-2", "partner-3"] }],
            RedactablePaths = ["description", "external_references"],
            NeutralMarkings = [Neutral],
        }).Policy ?? throw new InvalidOperationException("invalid benchmark policy");

        PolicyCollection collection = _policy.Collection(s_collection);
        ObjectFacts amber = new()
        {
            Type = "indicator", Id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", Created = s_now.AddDays(-3), Modified = s_now.AddDays(-1),
            Confidence = 80, Labels = ["c2", "phishing"], ObjectMarkingRefs = [TlpMarkings.Tlp2Amber],
        };
        _common = new EgressRequest(_policy.Principal("partner-1"), collection, in amber, EgressPath.TaxiiRead, s_now, true);
        // The common case, created by another partner (a received object): one identity lookup more.
        ObjectFacts amberReceived = amber with { CreatedByRef = "identity--00000000-0000-4000-8000-000000000007" };
        _amberCreatedByPartner = new EgressRequest(_policy.Principal("partner-1"), collection, in amberReceived, EgressPath.TaxiiRead, s_now, true);
        ObjectFacts green = amber with { ObjectMarkingRefs = [TlpMarkings.Tlp2Green] };
        _greenWithRules = new EgressRequest(_policy.Principal("partner-2"), collection, in green, EgressPath.Sync, s_now, true);

        string[] selectors = ["name", "pattern", "labels.[0]", "kill_chain_phases.[0].phase_name", "valid_from", "indicator_types.[0]", "confidence", "lang"];
        ObjectFacts worst = amber with
        {
            Labels = [.. Enumerable.Range(0, 12).Select(i => "label-" + i)],
            ObjectMarkingRefs = [TlpMarkings.Tlp1Green, TlpMarkings.Tlp2Amber, GroupA, GroupB, Neutral, TlpMarkings.Tlp2Green],
            GranularMarkings = [.. Enumerable.Range(0, 8).Select(i => new GranularMarking(i % 2 == 0 ? TlpMarkings.Tlp2Amber : GroupA,
                [selectors[i], selectors[(i + 1) % 8], selectors[(i + 2) % 8]]))],
        };
        _worst = new EgressRequest(_policy.Principal("partner-3"), collection, in worst, EgressPath.TaxiiRead, s_now, true);
        ObjectFacts worstRedacted = worst with
        {
            GranularMarkings = [.. worst.GranularMarkings.Take(6),
                new GranularMarking(TlpMarkings.Tlp2Red, ["description", "external_references.[0].url", "external_references.[1].url"]),
                new GranularMarking(Unknown, ["description"])],
        };
        _worstRedacted = new EgressRequest(_policy.Principal("partner-3"), collection, in worstRedacted, EgressPath.TaxiiRead, s_now, true);
        if (_policy.Decide(in _worst).Code != PolicyCode.AmberSharingGroup || _policy.Decide(in _worstRedacted).Code != PolicyCode.Redacted
            || _policy.Decide(in _common).Code != PolicyCode.AmberCollectionPartner || _policy.Decide(in _greenWithRules).Code != PolicyCode.TlpGreen)
        {
            throw new InvalidOperationException("The benchmark cases do not decide as described.");
        }

        var generator = new StixContentGenerator(seed: 42);
        _page = [.. Enumerable.Range(0, 100).Select(_ => Encoding.UTF8.GetBytes(generator.NextObject()))];
        _indicator = _page.First(static b => Encoding.UTF8.GetString(b).Contains("\"type\":\"indicator\"", StringComparison.Ordinal));
        _pageFacts = [.. _page.Select(static b => ObjectFactsEncoding.Encode(ObjectFacts.Read(b)))];
        _indicatorFacts = ObjectFactsEncoding.Encode(ObjectFacts.Read(_indicator));
        _pageReader = _policy.Principal("partner-1");
        _pageCollection = collection;
    }

    [Benchmark]
    public PolicyCode CommonCase() => _policy.Decide(in _common).Code;

    [Benchmark]
    public PolicyCode AmberCreatedByAnotherPartner() => _policy.Decide(in _amberCreatedByPartner).Code;

    [Benchmark]
    public PolicyCode GreenWithRules() => _policy.Decide(in _greenWithRules).Code;

    [Benchmark]
    public PolicyCode WorstCase() => _policy.Decide(in _worst).Code;

    [Benchmark]
    public PolicyCode WorstCaseRedacted() => _policy.Decide(in _worstRedacted).Code;

    [Benchmark]
    public int ReadFacts() => ObjectFacts.Read(_indicator).ObjectMarkingRefs.Length;

    [Benchmark]
    public int ParseAndFacts() => ObjectFacts.From(_stix.ReadObject(_indicator)).ObjectMarkingRefs.Length;

    [Benchmark]
    public int Page100()
    {
        int allowed = 0;
        foreach (byte[] stored in _page)
        {
            ObjectFacts facts = ObjectFacts.Read(stored);
            var request = new EgressRequest(_pageReader, _pageCollection, in facts, EgressPath.TaxiiRead, s_now, true);
            allowed += _policy.Decide(in request).IsAllowed ? 1 : 0;
        }

        return allowed;
    }

    [Benchmark]
    public int DecodeFacts() => ObjectFactsEncoding.TryDecode(_indicatorFacts, out ObjectFacts facts) ? facts.ObjectMarkingRefs.Length : -1;

    [Benchmark]
    public int Page100Stored()
    {
        int allowed = 0;
        foreach (byte[] stored in _pageFacts)
        {
            ObjectFactsEncoding.TryDecode(stored, out ObjectFacts facts);
            var request = new EgressRequest(_pageReader, _pageCollection, in facts, EgressPath.TaxiiRead, s_now, true);
            allowed += _policy.Decide(in request).IsAllowed ? 1 : 0;
        }

        return allowed;
    }
}
