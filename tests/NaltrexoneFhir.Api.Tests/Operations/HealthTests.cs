using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NaltrexoneFhir.Api.Operations;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Api.Tests.Operations;

[Collection(nameof(ApiCollection))]
public sealed class HealthTests(CdsApiFactory factory)
{
    [Fact]
    public async Task Live_IsHealthy_WithoutChecks()
    {
        var response = await factory.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await CdsApiFactory.ReadJson(response);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Ready_ChecksTheValueSets()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var check = (await CdsApiFactory.ReadJson(response)).GetProperty("checks").GetProperty("value-sets");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Matches(@"^\d+ value sets loaded\.$", check.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Ready_Is503_WhenValueSetsAreMissing_LiveStays200()
    {
        using var broken = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(new ValueSetIndex([]))));
        var client = broken.CreateClient();

        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var check = (await CdsApiFactory.ReadJson(ready)).GetProperty("checks").GetProperty("value-sets");
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
        Assert.Contains("opioid-agonists", check.GetProperty("description").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Theory]
    [InlineData(false, "Feedback database not reachable.")]
    [InlineData(true, "Feedback database not reachable (InvalidOperationException).")]
    public async Task ReadinessProbe_Failing_MakesReady503(bool throws, string description)
    {
        using var withDb = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddReadinessProbe("feedback-db", "Feedback database",
            (_, _) => throws ? throw new InvalidOperationException("boom") : Task.FromResult(false))));

        var ready = await withDb.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var check = (await CdsApiFactory.ReadJson(ready)).GetProperty("checks").GetProperty("feedback-db");
        Assert.Equal(description, check.GetProperty("description").GetString());
    }

    [Fact]
    public async Task ReadinessProbe_Passing_IsListed()
    {
        using var withDb = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddReadinessProbe("feedback-db", "Feedback database", (sp, _) => Task.FromResult(sp.GetService<TimeProvider>() is not null))));

        var ready = await withDb.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (await CdsApiFactory.ReadJson(ready)).GetProperty("checks").GetProperty("feedback-db").GetProperty("status").GetString());
    }
}
