using System.Net;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>Keys come from the issuer's JWK Set: cached, refreshed on an unknown kid, at most once per interval.</summary>
public sealed class JwksTests
{
    private static string UnknownKidToken(SecuredApiFactory f, string kid) =>
        f.Token(header: new JsonObject { ["typ"] = "JWT", ["kid"] = kid });

    [Fact]
    public async Task Keys_AreCached_AndUnknownKids_CannotMakeTheServiceHammerTheIssuer()
    {
        await using var f = new SecuredApiFactory().With("Security:JwksRefreshMinIntervalSeconds", "86400");
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
        Assert.Equal(1, f.Jwks.Fetches(SecuredApiFactory.EhrJwks));

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await f.PostHook(UnknownKidToken(f, "forged-" + i))).StatusCode);
        Assert.Equal(1, f.Jwks.Fetches(SecuredApiFactory.EhrJwks));
    }

    [Fact]
    public async Task RotatedKey_IsPickedUp_ByARefreshOnItsUnknownKid()
    {
        await using var f = new SecuredApiFactory().With("Security:JwksRefreshMinIntervalSeconds", "0");
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);

        using var rotated = TestKey.Ec("ehr-es384-2026");
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.PostHook(f.Token(key: rotated))).StatusCode);   // not published yet
        f.Jwks.Serve(SecuredApiFactory.EhrJwks, TestKey.Jwks(f.EhrEc, rotated));
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token(key: rotated))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
    }

    [Fact]
    public async Task UnreachableJwks_Is401_NotA500()
    {
        await using var f = new SecuredApiFactory();
        f.Jwks.Serve(SecuredApiFactory.EhrJwks, "oops", HttpStatusCode.InternalServerError);
        var response = await f.PostHook(f.Token());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("keys-unavailable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnparsableJwks_Is401_NotA500()
    {
        await using var f = new SecuredApiFactory();
        f.Jwks.Serve(SecuredApiFactory.EhrJwks, "{\"keys\": \"not an array\"");
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.PostHook(f.Token())).StatusCode);
    }

    [Fact]
    public async Task SymmetricKeyInTheJwks_IsIgnored()
    {
        await using var f = new SecuredApiFactory();
        f.Jwks.Serve(SecuredApiFactory.EhrJwks, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"shared\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\"}]}");
        var token = Jwt.Hs256(new JsonObject { ["typ"] = "JWT", ["kid"] = "shared" }, SecuredApiFactory.Claims(), "secret-secret-secret-secret-secret"u8.ToArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.PostHook(token)).StatusCode);
    }
}
