using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NaltrexoneFhir.Cli.Tests.Kit;

namespace NaltrexoneFhir.Cli.Tests;

[Collection(nameof(LiveServerCollection))]
public sealed class FireTests(LiveCdsServer server) : IAsyncLifetime
{
    private readonly CliRunner _cli = new();
    private readonly StubFhirServer _fhir = new();
    private readonly StubCdsService _other = new();

    public async Task InitializeAsync()
    {
        await _fhir.StartAsync();
        await _other.StartAsync();
        // The CLI's own example: pat-cli-001 on active oxycodone with ALT 182 U/L.
        var seed = await _cli.RunAsync("seed", _fhir.FhirBase, "--folder", SeedTests.ExampleOnlyFolder(_cli.KeyDirectory));
        Assert.True(seed.ExitCode == 0, seed.ToString());
    }

    [Fact]
    public async Task Fire_PrefetchFromFhirServer_RendersCriticalCard()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"),
            "--patient", "pat-cli-001", "--fhir", _fhir.FhirBase, "--order", "naltrexone-oral");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CRITICAL", run.Out);
        Assert.Contains("Naltrexone ordered while on Oxycodone 5 mg tablet (active)", run.Out);
        Assert.Contains("ALT 182 U/L", run.Out);
        Assert.Contains("Suggestions", run.Out);
        Assert.Contains("Source:", run.Out);
        // The prefetch table shows what was fetched for each discovery key.
        Assert.Contains("medicationRequests", run.Out);
        Assert.Contains("Bundle, 1 entry", run.Out);
    }

    [Fact]
    public async Task FireJson_PrintsTheRawResponse()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"),
            "--patient", "pat-cli-001", "--fhir", _fhir.FhirBase, "--order", "naltrexone-oral", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var concerns = JsonNode.Parse(run.Out)!["cards"]!.AsArray().Select(c => (string?)c!["source"]!["topic"]!["code"]).Order().ToList();
        Assert.Equal(["hepatotoxicity", "opioid-coprescription"], concerns);
    }

    [Fact]
    public async Task Fire_PatientWithNothingOnFile_NoCardsForAnOpioidFreeOrder()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"),
            "--patient", "nobody", "--fhir", _fhir.FhirBase, "--order", "herbal-unclassified", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var concerns = JsonNode.Parse(run.Out)!["cards"]!.AsArray().Select(c => (string?)c!["source"]!["topic"]!["code"]).ToList();
        Assert.Equal(["unclassified-medication"], concerns);
    }

    [Fact]
    public async Task Fire_AnyCdsService_RendersTemplatesFromItsDiscovery_AndMergesPages()
    {
        _fhir.PageSize = 1;
        _fhir.Put(JsonNode.Parse("""{"resourceType":"MedicationRequest","id":"zz-second","status":"active","subject":{"reference":"Patient/pat-cli-001"}}""")!.AsObject());
        var saved = Path.Combine(_cli.KeyDirectory, "saved", "request.json");

        var run = await _cli.RunAsync("fire", $"{_other.BaseUrl}/cds-services/{StubCdsService.ServiceId}",
            "--patient", "pat-cli-001", "--fhir", _fhir.FhirBase, "--order", "oxycodone", "--save-request", saved);

        Assert.True(run.ExitCode == 0, run.ToString());
        var (body, _) = Assert.Single(_other.Calls);
        Assert.Equal("order-sign", (string?)body["hook"]);
        Assert.Equal(_fhir.FhirBase, (string?)body["fhirServer"]);
        var prefetch = body["prefetch"]!.AsObject();
        Assert.Equal("Casey", (string?)prefetch["pt"]!["name"]![0]!["given"]![0]);
        var meds = prefetch["meds"]!["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["id"]).ToList();
        Assert.Equal(["pat-cli-001-oxycodone", "zz-second"], meds);                 // two pages of one, merged
        Assert.Null(prefetch["meds"]!["link"]);
        Assert.False(prefetch.ContainsKey("enc"));                                   // {{context.encounterId}}: no encounter given
        Assert.Contains("left out", run.Out);
        var draft = body["context"]!["draftOrders"]!["entry"]![0]!["resource"]!;
        Assert.Equal("Patient/pat-cli-001", (string?)draft["subject"]!["reference"]);
        Assert.Equal("1049621", (string?)draft["medicationCodeableConcept"]!["coding"]![0]!["code"]);
        // Cards of another service, one without a source, still render.
        Assert.Contains("ACME: check the PDMP before prescribing", run.Out);
        Assert.Contains("ACME: informational note without a source", run.Out);
        Assert.Contains("Open the PDMP", run.Out);
        // The saved request is the one that was sent.
        Assert.Equal((string?)body["hookInstance"], (string?)JsonNode.Parse(File.ReadAllText(saved))!["hookInstance"]);
    }

    [Fact]
    public async Task FireNoPrefetch_SendsFhirServerAndNoPrefetch()
    {
        var run = await _cli.RunAsync("fire", $"{_other.BaseUrl}/cds-services/{StubCdsService.ServiceId}",
            "--patient", "pat-cli-001", "--fhir", _fhir.FhirBase, "--order", "oxycodone", "--no-prefetch", "--encounter", "enc-9");

        Assert.True(run.ExitCode == 0, run.ToString());
        var (body, _) = Assert.Single(_other.Calls);
        Assert.False(body.ContainsKey("prefetch"));
        Assert.Equal(_fhir.FhirBase, (string?)body["fhirServer"]);
        Assert.Equal("enc-9", (string?)body["context"]!["encounterId"]);
        Assert.DoesNotContain(_fhir.Requests, r => r.StartsWith("GET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServiceAnswersAnError_ShowsTheOutcomeAndExitsOne()
    {
        var run = await _cli.RunAsync("fire", $"{_other.BaseUrl}/cds-services/{StubCdsService.ServiceId}",
            "--patient", "reject-me", "--order", "oxycodone", "--no-prefetch");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("HTTP 412", run.Out);
        Assert.Contains("prefetch key 'meds' is required", run.Out);
    }

    [Fact]
    public async Task FireSign_SendsAJwtTheJwksVerifies()
    {
        var url = $"{_other.BaseUrl}/cds-services/{StubCdsService.ServiceId}";
        var run = await _cli.RunAsync("fire", url, "--patient", "pat-cli-001", "--order", "oxycodone", "--no-prefetch", "--sign");
        Assert.True(run.ExitCode == 0, run.ToString());
        var (_, authorization) = Assert.Single(_other.Calls);
        Assert.StartsWith("Bearer ", authorization);

        var jwks = await _cli.RunAsync("token", "--jwks");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(authorization!["Bearer ".Length..], new TokenValidationParameters
        {
            ValidAudience = url,
            ValidIssuer = "urn:naltrexone-cds:dev-ehr",
            IssuerSigningKeys = new JsonWebKeySet(jwks.Out).Keys,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task UnknownService_ListsTheServices()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("nope"), "--patient", "p1", "--order", "naltrexone-oral", "--no-prefetch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has no service 'nope'", run.Error);
        Assert.Contains("naltrexone-order-sign", run.Error);
    }

    [Fact]
    public async Task UnknownPreset_ListsThePresets()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"), "--patient", "p1", "--order", "aspirin", "--no-prefetch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'aspirin' is neither a file nor an order preset", run.Error);
        Assert.Contains("naltrexone-oral", run.Error);
    }

    [Fact]
    public async Task BadOrderFile_NamesFileAndPosition_NoStackTrace()
    {
        var file = Path.Combine(_cli.KeyDirectory, "broken-order.json");
        await File.WriteAllTextAsync(file, "{\n  \"resourceType\": \"MedicationRequest\",\n  \"id\": oops\n}");

        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"), "--patient", "p1", "--order", file, "--no-prefetch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken-order.json is not valid JSON (line 3", run.Error);
        Assert.DoesNotContain("   at ", run.Error + run.Out);
    }

    [Fact]
    public async Task MissingOrderFile_SaysNotFound()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"), "--patient", "p1", "--order", "no/such/order.json", "--no-prefetch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("File not found", run.Error);
    }

    [Fact]
    public async Task OrderSignWithoutOrder_AsksForOne()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"), "--patient", "p1", "--no-prefetch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("needs at least one --order", run.Error);
    }

    [Fact]
    public async Task PrefetchWithoutFhirBase_ExplainsTheChoice()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"), "--patient", "p1", "--order", "naltrexone-oral");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("pass --fhir <base>", run.Error);
        Assert.Contains("--no-prefetch", run.Error);
    }

    [Fact]
    public async Task MissingPatientArgument_IsAParseError()
    {
        var run = await _cli.RunAsync("fire", server.ServiceUrl("naltrexone-order-sign"), "--order", "naltrexone-oral");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--patient", run.Error);
    }

    public async Task DisposeAsync()
    {
        await _fhir.DisposeAsync();
        await _other.DisposeAsync();
        _cli.Dispose();
    }
}
