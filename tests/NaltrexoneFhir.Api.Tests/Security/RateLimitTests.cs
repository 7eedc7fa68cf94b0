using System.Net;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>Each trusted issuer has its own request budget (ASP.NET Core rate limiter); over it → 429 + Retry-After.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task OverTheIssuersBudget_Is429_WithRetryAfter_OtherIssuersUnaffected()
    {
        // One-hour windows: the window cannot roll over during the test.
        await using var f = new SecuredApiFactory()
            .With("Security:RateLimit:PermitLimit", "2").With("Security:RateLimit:WindowSeconds", "3600")
            .With("Security:Issuers:1:RateLimitPermits", "1");

        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
        var limited = await f.PostHook(f.Token());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 3600);
        var outcome = await CdsApiFactory.ReadJson(limited);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("throttled", outcome.GetProperty("issue")[0].GetProperty("code").GetString());

        // the other issuer has its own budget (1 per window, from its RateLimitPermits)
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(OtherToken(f))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await f.PostHook(OtherToken(f))).StatusCode);
    }

    [Fact]
    public async Task RejectedTokens_DoNotSpendTheIssuersBudget()
    {
        await using var f = new SecuredApiFactory().With("Security:RateLimit:PermitLimit", "1").With("Security:RateLimit:WindowSeconds", "3600");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await f.PostHook(f.Token(path: "/cds-services/elsewhere"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
    }

    private static string OtherToken(SecuredApiFactory f)
    {
        var claims = SecuredApiFactory.Claims(iss: SecuredApiFactory.Other);
        claims["tenant"] = SecuredApiFactory.OtherTenant;
        return Jwt.Sign(SecuredApiFactory.Header(), claims, f.OtherEc384);
    }
}
