using System.Net;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>Odd or hostile dosage, reason and patient data never turns into a 500 or a "rule failed" card.</summary>
[Collection(nameof(ApiCollection))]
public sealed class DosageInputTests(CdsApiFactory factory)
{
    /// <summary>Dosages the FHIR reader accepts: each gets the dose-not-computable card.</summary>
    public static TheoryData<string> OddDosages => new()
    {
        """[{"timing":{"repeat":{"frequency":0,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":50,"unit":"mg"}}]}]""",
        """[{"timing":{"repeat":{"frequency":1,"period":1e-20,"periodUnit":"s"}},"doseAndRate":[{"doseQuantity":{"value":7.9e27,"unit":"g"}}]}]""",
        """[{"timing":{"repeat":{"dayOfWeek":["mon","someday"]}},"doseAndRate":[{"doseQuantity":{"value":50,"unit":"mg"}}]}]""",
        """[{"sequence":1,"doseAndRate":[{"doseRange":{"low":{"value":100,"unit":"mg"}}}]},{"doseAndRate":[{}]}]""",
        """[null, {"text":null}, {"doseAndRate":null}]""",
        """[{"timing":{"code":{"coding":[{"code":"Q0H"}]}},"doseAndRate":[{"doseQuantity":{"value":50,"unit":"mg"}}]}]""",
    };

    [Theory]
    [MemberData(nameof(OddDosages))]
    public async Task OddDosage_IsAnsweredWithoutFailure(string dosage)
    {
        var draft = Requests.NaltrexoneDraft();
        draft["dosageInstruction"] = JsonNode.Parse(dosage);
        draft["reasonReference"] = new JsonArray(new JsonObject { ["reference"] = "Condition/does-not-exist" }, new JsonObject { ["reference"] = "#nope" });
        var pre = new Dictionary<string, JsonNode?>
        {
            ["patient"] = new JsonObject { ["resourceType"] = "Patient", ["id"] = "p1", ["birthDate"] = "99999-99" },
        };
        var response = await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign",
            CdsApiFactory.Json(Requests.OrderSign([draft], pre).ToJsonString()));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.DoesNotContain("data-unavailable", body);
        Assert.Contains("dose-not-computable", body);
    }

    [Fact]
    public async Task WrongJsonTypesInDosage_Are400_NotA500()
    {
        var draft = Requests.NaltrexoneDraft();
        draft["dosageInstruction"] = JsonNode.Parse("""[{"timing":{"repeat":{"frequency":"x","period":-5,"periodUnit":42}},"doseAndRate":[{"doseQuantity":{"value":"abc"}}]}]""");
        var response = await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(Requests.OrderSign([draft]).ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync());
    }
}
