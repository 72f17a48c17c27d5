namespace Detente.Storage.Tests;

public abstract partial class StoreContractTests
{
    private ApiToken Token(string id, string secret, DateTimeOffset? expires = null) => new()
    {
        TokenId = id,
        Principal = "principal-" + id,
        Role = TokenRole.Partner,
        SecretHash = TokenHash.Compute(System.Text.Encoding.UTF8.GetBytes(secret)),
        Created = Clock.GetUtcNow(),
        Expires = expires,
    };

    [Fact]
    public async Task Tokens_are_found_by_the_hash_of_their_secret()
    {
        ApiToken token = Token("t1", "s3cret", Clock.GetUtcNow().AddDays(30));
        Assert.True(await Store.AddTokenAsync(token, cancellationToken: Ct));

        ApiToken found = (await Store.FindTokenByHashAsync(TokenHash.Compute("s3cret"u8), cancellationToken: Ct))!;
        Assert.Equal(("t1", "principal-t1", TokenRole.Partner), (found.TokenId, found.Principal, found.Role));
        Assert.Equal(token.Created, found.Created);
        Assert.Equal(token.Expires, found.Expires);
        Assert.True(TokenHash.Matches(token.SecretHash.Span, found.SecretHash.Span));
        Assert.Null(await Store.FindTokenByHashAsync(TokenHash.Compute("other"u8), cancellationToken: Ct));
        Assert.Null(await Store.FindTokenByHashAsync(new byte[3], cancellationToken: Ct));
        Assert.Equal("t1", (await Store.GetTokenAsync("t1", cancellationToken: Ct))!.TokenId);
    }

    [Fact]
    public async Task A_token_id_or_secret_is_used_once()
    {
        Assert.True(await Store.AddTokenAsync(Token("t1", "a"), cancellationToken: Ct));
        Assert.False(await Store.AddTokenAsync(Token("t1", "b"), cancellationToken: Ct));
        Assert.False(await Store.AddTokenAsync(Token("t2", "a"), cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AddTokenAsync(Token("t3", "c") with { SecretHash = new byte[16] }, cancellationToken: Ct));

        Assert.Equal(["t1"], (await Store.ListTokensAsync(cancellationToken: Ct)).Select(t => t.TokenId));
    }

    [Fact]
    public async Task Expiry_and_revocation_are_visible_and_revoking_is_once()
    {
        DateTimeOffset now = Clock.GetUtcNow();
        await Store.AddTokenAsync(Token("old", "a"), cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.AddTokenAsync(Token("short", "b", now.AddHours(1)), cancellationToken: Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await Store.RevokeTokenAsync("old", cancellationToken: Ct));
        Assert.False(await Store.RevokeTokenAsync("old", cancellationToken: Ct));
        Assert.False(await Store.RevokeTokenAsync("missing", cancellationToken: Ct));

        ApiToken old = (await Store.FindTokenByHashAsync(TokenHash.Compute("a"u8), cancellationToken: Ct))!;
        Assert.Equal(Clock.GetUtcNow(), old.Revoked);
        Assert.False(old.IsActiveAt(Clock.GetUtcNow()));
        ApiToken shortLived = (await Store.GetTokenAsync("short", cancellationToken: Ct))!;
        Assert.True(shortLived.IsActiveAt(now.AddMinutes(59)));
        Assert.False(shortLived.IsActiveAt(now.AddHours(1)));
        Assert.Equal(["old", "short"], (await Store.ListTokensAsync(cancellationToken: Ct)).Select(t => t.TokenId));
    }
}
