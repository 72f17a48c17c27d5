using System.Text;
using Detente.Ledger.Notes;
using Detente.Ledger.Witnessing;
using Detente.Node.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace Detente.Node.Tests;

/// <summary>
/// <c>/log/gossip</c> carries each partner checkpoint with the cosignatures this node holds for it, its own witness
/// cosignature included: a third node reads it, and whoever knows the witness key checks the cosignature and the log's
/// freshness from it; a tampered cosignature is refused.
/// </summary>
public sealed class WitnessGossipTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_gossip_carries_the_witness_cosignature_of_a_partner_checkpoint_that_a_third_node_reads_and_checks()
    {
        await using FedNode source = await FedNode.StartAsync("src");
        await using FedNode witness = await FedNode.StartAsync("wit");
        await using FedNode third = await FedNode.StartAsync("thd");
        await source.PostIndicatorsAsync(5);
        await witness.AddPartnerAsync(source, await source.IssueConnectionAsync("wit"));
        Assert.True(await witness.Store.AddWitnessedLogAsync(source.Origin, source.VerifierKey.ToString(), Ct));
        SyncReport synced = await witness.Sync.SyncAsync("src", null, Ct);
        Assert.True(synced.IsClean, synced.Alarm);
        Assert.Equal(5, synced.VerifiedSize);
        NoteVerifierKey witnessKey = witness.App.Services.GetRequiredService<NodeWitness>().VerifierKey;
        Assert.Equal(5, (await witness.Store.GetWitnessedLogAsync(source.Origin, Ct))!.Size);

        // The third node reads wit's gossip over HTTP with the token wit issued to it.
        PartnerConnection toWitness = await witness.IssueConnectionAsync("thd");
        using HttpClient http = toWitness.CreateHttpClient();
        byte[] gossip = await new NodeLogClient(http, witness.Server).ReadGossipAsync(Ct) ?? [];
        byte[] note = Assert.Single(GossipDocument.Read(gossip, source.Origin));
        SignedNote gossiped = SignedNote.Parse(note);
        Assert.Equal(5, Checkpoint.FromNote(gossiped).Size);
        Assert.Contains(gossiped.Signatures, s => s.KeyName == witnessKey.Name);
        // The log key alone verifies it as before; with the witness key the cosignature verifies too, and it is fresh.
        Assert.True(gossiped.Verify([source.VerifierKey]).IsValid);
        Assert.True(gossiped.Verify([source.VerifierKey, witnessKey]).IsValid);
        FreshnessResult fresh = Freshness.Check(gossiped, [witnessKey], TimeSpan.FromMinutes(10), third.Clock);
        Assert.False(fresh.IsStalled, fresh.Message);
        third.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(Freshness.Check(gossiped, [witnessKey], TimeSpan.FromMinutes(10), third.Clock).IsStalled);

        // A cosignature altered on the way (one bit of its signature) is refused by whoever knows the witness key.
        string text = Encoding.UTF8.GetString(note);
        string line = text.Split('\n').Single(l => l.StartsWith("— " + witnessKey.Name + " ", StringComparison.Ordinal));
        byte[] raw = Convert.FromBase64String(line[(line.LastIndexOf(' ') + 1)..]);
        raw[^1] ^= 1;
        string tampered = text.Replace(line, line[..(line.LastIndexOf(' ') + 1)] + Convert.ToBase64String(raw), StringComparison.Ordinal);
        SignedNote forged = SignedNote.Parse(Encoding.UTF8.GetBytes(tampered));
        Assert.False(forged.Verify([source.VerifierKey, witnessKey]).IsValid);
        Assert.True(Freshness.Check(forged, [witnessKey], TimeSpan.FromDays(365), third.Clock).IsStalled);

        // The third node's own audit of src reads wit's gossip and finds it consistent.
        await third.AddPartnerAsync(source, await source.IssueConnectionAsync("thd"));
        await third.AddPartnerAsync(witness, toWitness, subscribe: false);
        SyncReport audited = await third.Sync.SyncAsync("src", null, Ct);
        Assert.True(audited.IsClean, audited.Alarm);
        Assert.Contains(audited.Checks, c => c.Contains("that wit gossips", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_witnessed_log_that_is_not_a_partner_is_gossiped_with_the_checkpoint_last_cosigned()
    {
        await using FedNode source = await FedNode.StartAsync("src");
        await using FedNode witness = await FedNode.StartAsync("wit");
        NoteVerifierKey witnessKey = witness.App.Services.GetRequiredService<NodeWitness>().VerifierKey;
        Assert.True(await witness.Store.AddWitnessedLogAsync(source.Origin, source.VerifierKey.ToString(), Ct));
        await source.PostIndicatorsAsync(3);
        LogSequencerService sequencer = source.App.Services.GetRequiredService<LogSequencerService>();
        await OutgoingTlsTests.SealUpToAsync(sequencer, 3);
        SignedNote checkpoint = SignedNote.Parse(await source.CheckpointAsync());
        Assert.Equal(200, (await witness.App.Services.GetRequiredService<NodeWitness>().CosignAsync(checkpoint, 0, [], Ct)).StatusCode);

        byte[] gossip = GossipDocument.Write(await GossipCheckpoints.ReadAsync(witness.Store, Ct));
        SignedNote gossiped = SignedNote.Parse(Assert.Single(GossipDocument.Read(gossip, source.Origin)));
        Assert.Equal(3, Checkpoint.FromNote(gossiped).Size);
        Assert.True(gossiped.Verify([source.VerifierKey, witnessKey]).IsValid);
        Assert.False(Freshness.Check(gossiped, [witnessKey], TimeSpan.FromMinutes(10), witness.Clock).IsStalled);
    }
}
