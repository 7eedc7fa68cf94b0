using System.Net;

namespace NaltrexoneFhir.Api.Tests.Security;

/// <summary>Browser clients (the CDS Hooks sandbox) send an unauthenticated preflight before each call.</summary>
public sealed class CorsTests(SecuredApiFactory factory) : IClassFixture<SecuredApiFactory>
{
    private const string Sandbox = "https://sandbox.cds-hooks.org";

    private async Task<HttpResponseMessage> Preflight(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, SecuredApiFactory.OrderSign);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await factory.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_NeedsNoToken()
    {
        var response = await Preflight(Sandbox);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Sandbox, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var headers = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", headers);
        Assert.Contains("content-type", headers);
        Assert.Contains("POST", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsGrant()
    {
        var response = await Preflight("https://evil.example");
        Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Rejection_CarriesCorsHeaders_SoTheBrowserCanReadTheOutcome()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SecuredApiFactory.OrderSign) { Content = CdsApiFactory.Json("{}") };
        request.Headers.Add("Origin", Sandbox);
        var response = await factory.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Sandbox, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("WWW-Authenticate", string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
    }
}
