using NaltrexoneFhir.Api.Security;

namespace NaltrexoneFhir.Api.Tests.Security;

public sealed class ReplayCacheTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Jti_IsRemembered_PerIssuer_UntilItCanBeForgotten()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-22T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cache = new InMemoryJtiReplayCache(clock);
        var until = clock.Now.AddMinutes(5);

        Assert.True(await cache.TryRememberAsync("iss-a", "j1", until, default));
        Assert.False(await cache.TryRememberAsync("iss-a", "j1", until, default));
        Assert.True(await cache.TryRememberAsync("iss-b", "j1", until, default));

        clock.Now = until.AddMinutes(2);                 // past expiry: swept, and accepted again (the token itself is expired by then)
        Assert.True(await cache.TryRememberAsync("iss-c", "j2", clock.Now.AddMinutes(5), default));
        Assert.Equal(1, cache.Count);
        Assert.True(await cache.TryRememberAsync("iss-a", "j1", clock.Now.AddMinutes(5), default));
    }

    [Theory]
    [InlineData("https://fhir.ehr.example.test/r4", true)]
    [InlineData("https://FHIR.ehr.example.test/r4/", true)]
    [InlineData("https://fhir.ehr.example.test:443/r4", true)]
    [InlineData("https://fhir.ehr.example.test/r4/Patient", false)]
    [InlineData("https://fhir.ehr.example.test/R4", false)]
    [InlineData("http://fhir.ehr.example.test/r4", false)]
    [InlineData("https://fhir.ehr.example.test.evil.example/r4", false)]
    [InlineData("https://user@fhir.ehr.example.test/r4", false)]
    [InlineData("https://fhir.ehr.example.test/r4?x=1", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void FhirServer_MustBeOneOfTheIssuers(string? fhirServer, bool allowed)
    {
        var client = new AuthenticatedClient("iss", null, "j", ["https://fhir.ehr.example.test/r4"], DateTimeOffset.UnixEpoch);
        Assert.Equal(allowed, client.MayUseFhirServer(fhirServer));
        var context = new CdsClientContext();
        Assert.True(context.IsFhirServerAllowed(fhirServer));   // unauthenticated (development): no per-issuer restriction
    }
}
