namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Migration_11_takes_witness_tokens_out_of_the_witness_table_until_the_node_moves_them()
    {
        await Store.DisposeAsync();
        Store = null!;
        await RewindToSchema10WithWitnessTokenAsync("w.example/witness", "dtn_0123456789abcdef_secret");
        Store = await OpenStoreAsync(Clock);

        // The witness is kept, without any token; the token waits in its own table for the node to move it.
        LogWitnessRecord witness = Assert.Single(await Store.ListLogWitnessesAsync(Ct));
        Assert.Equal("w.example/witness", witness.Name);
        Assert.Equal(new Uri("https://witness.example/log/witness"), witness.Url);
        LogWitnessTokenToMove waiting = Assert.Single(await Store.ListLogWitnessTokensToMoveAsync(Ct));
        Assert.Equal(new LogWitnessTokenToMove("w.example/witness", "dtn_0123456789abcdef_secret"), waiting);
        Assert.DoesNotContain("secret", waiting.ToString(), StringComparison.Ordinal);

        Assert.True(await Store.ForgetLogWitnessTokenToMoveAsync("w.example/witness", Ct));
        Assert.False(await Store.ForgetLogWitnessTokenToMoveAsync("w.example/witness", Ct));
        Assert.Empty(await Store.ListLogWitnessTokensToMoveAsync(Ct));
        await ReopenAsync();
        Assert.Empty(await Store.ListLogWitnessTokensToMoveAsync(Ct));
        Assert.Single(await Store.ListLogWitnessesAsync(Ct));
    }

    [Fact]
    public async Task Removing_a_witness_forgets_its_token_waiting_to_be_moved()
    {
        await Store.DisposeAsync();
        Store = null!;
        await RewindToSchema10WithWitnessTokenAsync("gone.example/witness", "dtn_fedcba9876543210_secret");
        Store = await OpenStoreAsync(Clock);

        Assert.True(await Store.RemoveLogWitnessAsync("gone.example/witness", Ct));
        Assert.Empty(await Store.ListLogWitnessTokensToMoveAsync(Ct));
    }

    [Fact]
    public async Task A_witnessed_log_keeps_the_cosignature_of_its_latest_advance()
    {
        Assert.True(await Store.AddWitnessedLogAsync("log.example/log", "log.example/log+01020304+AQ", Ct));
        Assert.Null((await Store.GetWitnessedLogAsync("log.example/log", Ct))!.Cosignature);
        byte[] root = new byte[32];
        Assert.True(await Store.AdvanceWitnessedLogAsync("log.example/log", 0, 5, root, "note five\n"u8.ToArray(), Clock.GetUtcNow(), "— w.example/witness AAAA", Ct));
        // The compare-and-swap refuses a stale size, and keeps the cosignature it has.
        Assert.False(await Store.AdvanceWitnessedLogAsync("log.example/log", 0, 6, root, "note six\n"u8.ToArray(), Clock.GetUtcNow(), "— w.example/witness BBBB", Ct));

        WitnessedLogRecord stored = (await Store.GetWitnessedLogAsync("log.example/log", Ct))!;
        Assert.Equal(5, stored.Size);
        Assert.Equal("— w.example/witness AAAA", stored.Cosignature);
        Assert.Equal("— w.example/witness AAAA", Assert.Single(await Store.ListWitnessedLogsAsync(Ct)).Cosignature);
    }
}
