using System.Net;
using Microsoft.Extensions.Logging;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>Production requires a client JWT and a trusted issuer; Development may opt out explicitly, with a warning.</summary>
public sealed class SecurityModeTests
{
    private static string StartFailure(Func<SecuredApiFactory> factory)
    {
        var messages = new List<string>();
        for (var e = Support.StartupFailure.Of(factory); e is not null; e = e.InnerException) messages.Add(e.Message);
        return string.Join(" / ", messages);
    }

    [Fact]
    public void Production_WithoutTrustedIssuers_FailsToStart_WithAClearMessage()
    {
        var message = StartFailure(() => new SecuredApiFactory().InEnvironment("Production").Without("Security:Issuers"));
        Assert.Contains("Security:Issuers is empty", message);
        Assert.DoesNotContain("AllowUnauthenticated=true for local development", message);   // not offered outside Development
    }

    [Fact]
    public void Production_AllowUnauthenticated_FailsToStart() =>
        Assert.Contains("accepted only in the Development environment",
            StartFailure(() => new SecuredApiFactory().InEnvironment("Production").With("Security:AllowUnauthenticated", "true")));

    [Fact]
    public void Development_TokensRequired_WithoutIssuers_FailsToStart_AndSaysHowToOptOut() =>
        Assert.Contains("Security:AllowUnauthenticated=true for local development",
            StartFailure(() => new SecuredApiFactory().Without("Security:Issuers")));

    [Fact]
    public void TokensRequired_WithoutPublicBaseUrl_FailsToStart() =>
        Assert.Contains("Security:PublicBaseUrl is required", StartFailure(() => new SecuredApiFactory().Without("Security:PublicBaseUrl")));

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    public void SymmetricOrNoneAlgorithm_CannotBeConfigured(string alg) =>
        Assert.Contains($"'{alg}' is not accepted", StartFailure(() => new SecuredApiFactory().With("Security:Issuers:0:Algorithms:0", alg)));

    [Fact]
    public void PlainHttpJwksUrl_CannotBeConfigured() =>
        Assert.Contains("Security:Issuers:0:JwksUrl must use https",
            StartFailure(() => new SecuredApiFactory().With("Security:Issuers:0:JwksUrl", "http://ehr.example.test/jwks.json")));

    [Fact]
    public void WildcardCorsOrigin_CannotBeConfigured() =>
        Assert.Contains("Security:Cors:AllowedOrigins:0", StartFailure(() => new SecuredApiFactory().With("Security:Cors:AllowedOrigins:0", "*")));

    [Fact]
    public async Task Production_WithATrustedIssuer_Starts_AndRequiresAValidToken()
    {
        await using var f = new SecuredApiFactory().InEnvironment("Production")
            .With("Audit:PatientIdHmacKey", Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())); // the audit store's key, also required in Production
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.PostHook(null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(f.Token())).StatusCode);
    }

    [Fact]
    public async Task Development_AllowUnauthenticated_AcceptsCallsWithoutAToken_AndWarnsAtStart()
    {
        await using var f = new SecuredApiFactory().With("Security:AllowUnauthenticated", "true");
        Assert.Equal(HttpStatusCode.OK, (await f.PostHook(null)).StatusCode);
        Assert.Contains(f.Logs.Entries, e => e.Event.Id == 7001 && e.Level == LogLevel.Warning);
        Assert.Null(f.SeenClients.Last());
    }

    [Fact]
    public async Task Discovery_CanBeMadePrivate()
    {
        await using var f = new SecuredApiFactory().With("Security:PublicDiscovery", "false");
        var client = f.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/cds-services")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Authorization = new("Bearer", f.Token(path: "/cds-services"));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }
}
