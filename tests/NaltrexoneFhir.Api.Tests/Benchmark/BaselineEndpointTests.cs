using System.Net;
using NaltrexoneFhir.Api.Tests.Hooks;

namespace NaltrexoneFhir.Api.Tests.Benchmark;

/// <summary>The benchmark's floor endpoint exists only when switched on, and reads the body like the hook route.</summary>
[Collection(nameof(ApiCollection))]
public sealed class BaselineEndpointTests(CdsApiFactory factory)
{
    private static string Body => Requests.OrderSign([Requests.NaltrexoneDraft()]).ToJsonString();

    [Fact]
    public async Task Baseline_IsAbsentByDefault()
    {
        var response = await factory.CreateClient().PostAsync("/benchmark/baseline", CdsApiFactory.Json(Body));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Baseline_WhenEnabled_AnswersOneConstantCard()
    {
        await using var f = new CdsApiFactory().With("Benchmark:BaselineEndpoint", "true");
        var response = await f.CreateClient().PostAsync("/benchmark/baseline", CdsApiFactory.Json(Body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = Assert.Single((await CdsApiFactory.ReadJson(response)).GetProperty("cards").EnumerateArray());
        Assert.Equal("info", card.GetProperty("indicator").GetString());
        Assert.StartsWith("https://", card.GetProperty("source").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Baseline_WhenEnabled_RejectsMalformedJsonLikeTheHookRoute()
    {
        await using var f = new CdsApiFactory().With("Benchmark:BaselineEndpoint", "true");
        var response = await f.CreateClient().PostAsync("/benchmark/baseline", CdsApiFactory.Json("{\"hook\":"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", (await CdsApiFactory.ReadJson(response)).GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task OptionsSnapshot_StillSeesConfiguredRuleOptions()
    {
        // Options are served from the monitor (bound once): a disabled rule still removes its prefetch key.
        await using var f = new CdsApiFactory().With("Rules:Disabled:0", "R06").With("Rules:Disabled:1", "R07"); // both read opioidScreens
        var client = f.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            var services = (await CdsApiFactory.ReadJson(await client.GetAsync("/cds-services"))).GetProperty("services");
            Assert.False(services[0].GetProperty("prefetch").TryGetProperty("opioidScreens", out _));
        }
    }
}
