using Detente.Testing;

namespace Detente.Storage.Tests;

/// <summary>
/// What every store must do, whatever its database: one suite, inherited by <see cref="SqliteStoreTests"/> and
/// <see cref="PostgresStoreTests"/>. Each test gets a store of its own (a fresh SQLite folder, a fresh PostgreSQL
/// schema), opened on a clock that moves only when the test moves it.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    protected const string Root = "api1";

    protected ManualTimeProvider Clock { get; } = new();

    protected IStore Store { get; set; } = null!;

    /// <summary>The running test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Opens this test's store (the same database every call).</summary>
    protected abstract Task<IStore> OpenStoreAsync(TimeProvider time);

    /// <summary>Makes the database refuse, mid-transaction, any insert of an object version with id <paramref name="objectId"/>.</summary>
    protected abstract Task InjectInsertFailureAsync(string objectId);

    /// <summary>The schema versions recorded in the database.</summary>
    protected abstract Task<IReadOnlyList<long>> ReadSchemaVersionsAsync();

    /// <summary>Records a schema migration this code does not know, as a newer Detente would.</summary>
    protected abstract Task RecordSchemaVersionAsync(int version);

    /// <summary>Turns the (closed) database back into a migration-9 one, whose <c>log_witnesses</c> had a token column, with one
    /// witness named <paramref name="witness"/> whose token is <paramref name="token"/>.</summary>
    protected abstract Task RewindToSchema10WithWitnessTokenAsync(string witness, string token);

    /// <summary>Removes this test's database.</summary>
    protected abstract Task DeleteStoreAsync();

    public virtual async ValueTask InitializeAsync()
    {
        Store = await OpenStoreAsync(Clock);
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        await DeleteStoreAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the store and opens it again on the same database.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = null!;
        Store = await OpenStoreAsync(Clock);
    }

    /// <summary>Creates API root <see cref="Root"/> (once) and a new collection in it.</summary>
    protected async Task<Guid> NewCollectionAsync(string? alias = null)
    {
        await Store.CreateApiRootAsync(new ApiRoot { Name = Root, Title = "API root one" });
        var id = Guid.NewGuid();
        Assert.Equal(CreateResult.Created,
            await Store.CreateCollectionAsync(new Collection { Id = id, ApiRoot = Root, Title = "Collection " + id, Alias = alias }));
        return id;
    }

    protected async Task<List<StoredObject>> ReadAllAsync(Guid collection, ObjectFilter? filter = null, DateTimeOffset? after = null) =>
        await Store.ReadObjectsAsync(collection, filter ?? ObjectFilter.None, after, cancellationToken: Ct).ToListAsync(Ct);
}
