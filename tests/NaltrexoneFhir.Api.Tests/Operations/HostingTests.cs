using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace NaltrexoneFhir.Api.Tests.Operations;

/// <summary>Production logging, and where the playground is served.</summary>
[Collection(nameof(ApiCollection))]
public sealed class HostingTests(CdsApiFactory factory)
{
    /// <summary>Production refuses to start without a trusted issuer, a public base URL and an audit HMAC key, so give it those.</summary>
    private static IWebHostBuilder Production(IWebHostBuilder b) => b.UseEnvironment("Production")
        .UseSetting("Security:PublicBaseUrl", "https://cds.example.org")
        .UseSetting("Security:Issuers:0:Issuer", "https://ehr.example.org")
        .UseSetting("Security:Issuers:0:JwksUrl", "https://ehr.example.org/.well-known/jwks.json")
        .UseSetting("Audit:PatientIdHmacKey", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray()));

    [Fact]
    public void Production_LogsAreJson_DevelopmentAreNot()
    {
        using var production = factory.WithWebHostBuilder(b => Production(b));

        Assert.Equal(ConsoleFormatterNames.Json, production.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.NotEqual(ConsoleFormatterNames.Json, factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public async Task Production_HasNoPlayground_UnlessEnabled()
    {
        using var production = factory.WithWebHostBuilder(b => Production(b));
        Assert.Equal(HttpStatusCode.NotFound, (await production.CreateClient().GetAsync("/playground")).StatusCode);

        using var enabled = factory.WithWebHostBuilder(b => Production(b).UseSetting("Playground:Enabled", "true"));
        var page = await enabled.CreateClient().GetAsync("/playground");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Development_ServesThePageAndItsAssets()
    {
        var client = factory.CreateClient();

        var html = await client.GetStringAsync("/playground");
        Assert.Contains("/playground/assets/playground.js", html);
        var js = await client.GetAsync("/playground/assets/playground.js");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", (await client.GetAsync("/playground/assets/playground.css")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/playground/assets/secrets.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/playground/assets/..%2Fappsettings.json")).StatusCode);
    }

    /// <summary>
    /// Every example patient works as the playground sends it (draft order kept, prefetch keys the example lacks sent
    /// as null), and the draft-order presets are listed.
    /// </summary>
    [Fact]
    public async Task Examples_EveryPatientAnswers200()
    {
        var client = factory.CreateClient();
        var examples = JsonNode.Parse(await client.GetStringAsync("/playground/examples"))!;
        var services = JsonNode.Parse(await client.GetStringAsync("/cds-services"))!["services"]!.AsArray();

        var patients = examples["patients"]!.AsArray();
        Assert.Contains(patients, p => (string?)p!["id"] == "order-sign-naltrexone-on-oxycodone");
        Assert.Contains(patients, p => (string?)p!["hook"] == "patient-view");
        Assert.Contains(examples["orders"]!.AsArray(), o => (string?)o!["id"] == "naltrexone-oral" && (string?)o["label"] == "Naltrexone 50 mg tablet");
        foreach (var patient in patients)
        {
            var request = patient!["request"]!.DeepClone().AsObject();
            var service = services.First(s => (string?)s!["hook"] == (string?)request["hook"])!;
            if (request["prefetch"] is not JsonObject) request["prefetch"] = new JsonObject(); // e.g. the fallback demo sends none
            var prefetch = request["prefetch"]!.AsObject();
            foreach (var (key, _) in service["prefetch"]?.AsObject() ?? [])
                if (!prefetch.ContainsKey(key)) prefetch[key] = null;

            var response = await client.PostAsync($"/cds-services/{service["id"]}", CdsApiFactory.Json(request.ToJsonString()));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{patient["id"]}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(JsonValueKind.Array, (await CdsApiFactory.ReadJson(response)).GetProperty("cards").ValueKind);
        }
    }
}
