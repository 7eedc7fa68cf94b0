using System.Net;

namespace NaltrexoneFhir.Api.Tests.Hooks;

[Collection(nameof(ApiCollection))]
public sealed class DiscoveryTests(CdsApiFactory factory)
{
    [Fact]
    public async Task Discovery_ListsThreeServices_WithPrefetchTemplates()
    {
        var response = await factory.CreateClient().GetAsync("/cds-services");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var services = (await CdsApiFactory.ReadJson(response)).GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["naltrexone-order-sign", "naltrexone-order-select", "naltrexone-patient-view"], services.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(["order-sign", "order-select", "patient-view"], services.Select(s => s.GetProperty("hook").GetString()));
        foreach (var s in services)
        {
            Assert.False(string.IsNullOrEmpty(s.GetProperty("description").GetString()));
            Assert.False(string.IsNullOrEmpty(s.GetProperty("title").GetString()));
            var prefetch = s.GetProperty("prefetch");
            Assert.Equal("MedicationRequest?patient={{context.patientId}}", prefetch.GetProperty("medicationRequests").GetString());
            Assert.Contains("http://loinc.org|1742-6", prefetch.GetProperty("liverLabs").GetString());
        }
    }

    [Fact]
    public async Task Discovery_PrefetchFollowsEnabledRules()
    {
        // opioidScreens is read by R06 (positive screen) and R07 (opioid-free verification): it leaves discovery only when both are off.
        await using var f = new CdsApiFactory().With("Rules:Disabled:0", "R06").With("Rules:Disabled:1", "R07");
        var services = (await CdsApiFactory.ReadJson(await f.CreateClient().GetAsync("/cds-services"))).GetProperty("services");
        Assert.False(services[0].GetProperty("prefetch").TryGetProperty("opioidScreens", out _));
    }
}
