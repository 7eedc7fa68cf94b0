using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Hooks;

[Collection(nameof(ApiCollection))]
public sealed class OrderSignTests(CdsApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string service, string json)
    {
        var response = await _client.PostAsync($"/cds-services/{service}", CdsApiFactory.Json(json));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static JsonElement Card(JsonElement body, string concern) =>
        body.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == concern);

    private static IEnumerable<string?> Concerns(JsonElement body) =>
        body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString());

    [Fact]
    public async Task NaltrexoneWithActiveOpioid_ReturnsCriticalCard()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) });
        var (status, json) = await Post("naltrexone-order-sign", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var card = json.GetProperty("cards").EnumerateArray().First();
        Assert.Equal("critical", card.GetProperty("indicator").GetString());
        Assert.Equal("opioid-coprescription", card.GetProperty("source").GetProperty("topic").GetProperty("code").GetString());
        Assert.True(Guid.TryParse(card.GetProperty("uuid").GetString(), out _));
    }

    [Fact]
    public async Task CardResponse_HasAContentLength_OfExactlyItsBody()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) });
        var response = await _client.PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body.ToJsonString()));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(JsonDocument.Parse(bytes).RootElement.GetProperty("cards").EnumerateArray());
    }

    [Fact]
    public async Task UnrelatedDraft_ReturnsEmptyCards()
    {
        var body = Requests.OrderSign([Requests.MedRequest("d1", "314076", "lisinopril 10 MG Oral Tablet")]);
        body.Remove("prefetch"); // nothing needed, so nothing missing
        var (status, json) = await Post("naltrexone-order-sign", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, json.GetProperty("cards").GetArrayLength());
        Assert.Equal("{\"cards\":[]}", json.GetRawText());
    }

    [Fact]
    public async Task MissingRequiredPrefetch_Default_EvaluatesTheRestAndAddsOneDataUnavailableCard()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) });
        ((JsonObject)body["prefetch"]!).Remove("liverLabs");
        var (status, json) = await Post("naltrexone-order-sign", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var concerns = Concerns(json).ToList();
        Assert.Contains("opioid-coprescription", concerns);          // what could be evaluated was
        Assert.DoesNotContain("missing-baseline-lft", concerns);     // absent liver tests are not "no liver tests"
        Assert.Single(concerns, c => c == "data-unavailable");
        var card = Card(json, "data-unavailable");
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        Assert.Contains("liver tests unavailable", card.GetProperty("summary").GetString());
        var detail = card.GetProperty("detail").GetString()!;
        Assert.Contains("No liver function tests in the lookback window — not checked: liver tests unavailable — not in prefetch; no fhirServer to fetch it from", detail);
        Assert.Contains("ALT or AST above 5× the upper limit of normal — not checked", detail);
        Assert.DoesNotContain("Naltrexone ordered for a patient on an active opioid — not checked", detail);
    }

    [Fact]
    public async Task MissingRequiredPrefetch_Strict_Returns412NamingTheKeys()
    {
        using var strict = new CdsApiFactory().With("FhirServer:DataFailurePolicy", "Strict");
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        ((JsonObject)body["prefetch"]!).Remove("liverLabs");
        var response = await strict.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body.ToJsonString()));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var json = await CdsApiFactory.ReadJson(response);
        Assert.Equal("OperationOutcome", json.GetProperty("resourceType").GetString());
        var issue = Assert.Single(json.GetProperty("issue").EnumerateArray());
        Assert.Equal("prefetch.liverLabs", issue.GetProperty("expression")[0].GetString());
        Assert.Contains("no fhirServer", issue.GetProperty("diagnostics").GetString());
    }

    [Fact]
    public async Task OperationOutcomePrefetch_IsNotReadAsNoData()
    {
        var oo = new JsonObject { ["resourceType"] = "OperationOutcome", ["issue"] = new JsonArray(new JsonObject { ["severity"] = "error", ["code"] = "timeout" }) };
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], new() { ["liverLabs"] = oo });
        var (status, json) = await Post("naltrexone-order-sign", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("missing-baseline-lft", Concerns(json));
        Assert.Contains("the EHR's prefetch failed", Card(json, "data-unavailable").GetProperty("detail").GetString());

        using var strict = new CdsApiFactory().With("FhirServer:DataFailurePolicy", "Strict");
        var response = await strict.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body.ToJsonString()));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Contains("liverLabs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NullPrefetch_MeansNoData_MissingBaselineFires()
    {
        var (status, json) = await Post("naltrexone-order-sign", Requests.OrderSign([Requests.NaltrexoneDraft()]).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("missing-baseline-lft", Concerns(json));
    }

    [Fact]
    public async Task OrderSelect_SameCardsAsOrderSign()
    {
        var pre = new Dictionary<string, JsonNode?> { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) };
        var sign = await Post("naltrexone-order-sign", Requests.OrderSign([Requests.NaltrexoneDraft()], pre).ToJsonString());
        var select = await Post("naltrexone-order-select", Requests.OrderSign([Requests.NaltrexoneDraft()], pre, "order-select").ToJsonString());
        Assert.Equal(HttpStatusCode.OK, select.Status);
        Assert.Equal(Concerns(sign.Body), Concerns(select.Body));
    }

    [Fact]
    public async Task UnknownService_Returns404OperationOutcome()
    {
        var (status, json) = await Post("no-such-service", Requests.OrderSign([Requests.NaltrexoneDraft()]).ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("OperationOutcome", json.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task SampleRequestInRepo_Works()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "hook-requests", "order-sign-naltrexone-on-oxycodone.json");
        var (status, json) = await Post("naltrexone-order-sign", await File.ReadAllTextAsync(path));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("opioid-coprescription", Concerns(json));
        Assert.Contains("hepatotoxicity", Concerns(json));
    }

    [Fact]
    public async Task PatientView_OnNaltrexone()
    {
        var body = new JsonObject
        {
            ["hook"] = "patient-view",
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["context"] = new JsonObject { ["userId"] = "Practitioner/u1", ["patientId"] = "p1" },
            ["prefetch"] = new JsonObject
            {
                ["medicationRequests"] = Requests.Bundle(Requests.MedRequest("m1", "1483744", "naltrexone hydrochloride 50 MG Oral Tablet", "active", "2026-10-01")),
                ["medicationStatements"] = null,
                ["liverLabs"] = null,
            },
        };
        var (status, json) = await Post("naltrexone-patient-view", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["naltrexone-opioid-blockade"], Concerns(json));
    }
}

[Collection(nameof(ApiCollection))]
public sealed class LegacyShapeTests(CdsApiFactory factory)
{
    [Fact]
    public async Task Dstu2MedicationOrderDraft_FromTheSandbox_IsChecked()
    {
        // The CDS Hooks sandbox defaults to a DSTU2 server: drafts are MedicationOrder with patient/dateWritten, no Bundle.type.
        var body = """
        {"hook":"order-select","hookInstance":"7a1c0f5e-1111-4222-8333-944445555666",
         "context":{"userId":"Practitioner/u1","patientId":"p1","selections":["MedicationOrder/request-123"],
           "draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationOrder","id":"request-123","status":"draft",
             "patient":{"reference":"Patient/p1"},"dateWritten":"2026-11-22",
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1483744","display":"naltrexone hydrochloride 50 MG Oral Tablet"}]},
             "dosageInstruction":[{"doseQuantity":{"value":50,"unit":"mg"},"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}}}]}}]}},
         "prefetch":{"medicationRequests":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1049621","display":"oxycodone hydrochloride 5 MG Oral Tablet"}]}}}]},
           "medicationStatements":null,"conditions":null,"liverLabs":null,"opioidScreens":null,"allergies":null,"patient":null,
           "renalLabs":null,"pregnancyTests":null,"serviceRequests":null,"procedures":null,"appointments":null}}
        """;
        var response = await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-select", CdsApiFactory.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("opioid-coprescription", text);
        Assert.Contains("\"resourceId\":\"MedicationOrder/request-123\"", text); // the delete suggestion uses the EHR's own type
    }
}
