using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>Builds hook request bodies as JSON text (the wire format EHRs send).</summary>
public static class Requests
{
    public const string Rx = "http://www.nlm.nih.gov/research/umls/rxnorm";

    public static JsonObject MedRequest(string id, string rxnorm, string display, string status = "draft", string? authoredOn = null) => new()
    {
        ["resourceType"] = "MedicationRequest",
        ["id"] = id,
        ["status"] = status,
        ["intent"] = "order",
        ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
        ["authoredOn"] = authoredOn,
        ["medicationCodeableConcept"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = Rx, ["code"] = rxnorm, ["display"] = display }),
        },
    };

    public static JsonObject Bundle(params JsonNode[] resources) => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "searchset",
        ["entry"] = new JsonArray(resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone() }).ToArray()),
    };

    /// <summary>An order-sign request with every prefetch key of the discovery document set to null unless given.</summary>
    public static JsonObject OrderSign(JsonObject[] drafts, Dictionary<string, JsonNode?>? prefetch = null, string hook = "order-sign", IEnumerable<string>? allKeys = null)
    {
        var pre = new JsonObject();
        foreach (var k in allKeys ?? DefaultKeys) pre[k] = null;
        foreach (var (k, v) in prefetch ?? []) pre[k] = v?.DeepClone();
        var context = new JsonObject
        {
            ["userId"] = "Practitioner/u1",
            ["patientId"] = "p1",
            ["draftOrders"] = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "collection",
                ["entry"] = new JsonArray(drafts.Select(d => (JsonNode)new JsonObject { ["resource"] = d.DeepClone() }).ToArray()),
            },
        };
        if (hook == "order-select")
            context["selections"] = new JsonArray(drafts.Select(d => (JsonNode)JsonValue.Create($"MedicationRequest/{d["id"]}")!).ToArray());
        return new JsonObject
        {
            ["hook"] = hook,
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["context"] = context,
            ["prefetch"] = pre,
        };
    }

    public static readonly string[] DefaultKeys =
        ["patient", "medicationRequests", "medicationStatements", "conditions", "allergies", "liverLabs", "opioidScreens", "renalLabs", "pregnancyTests", "serviceRequests", "procedures", "appointments"];

    public static JsonObject NaltrexoneDraft(string id = "d1") => MedRequest(id, "1483744", "naltrexone hydrochloride 50 MG Oral Tablet");
    public static JsonObject OxycodoneActive(string id = "m1") => MedRequest(id, "1049621", "oxycodone hydrochloride 5 MG Oral Tablet", "active", "2026-11-10");

    /// <summary>
    /// An order-sign of ~1.6 MB: a liverLabs Bundle of 2,000 ALT Observations (some elevated, so the cards depend on
    /// them), large enough for the transport's large blocks, the parallel read and the read while arriving.
    /// </summary>
    public static string LargeHistoryOrderSign()
    {
        var observations = Enumerable.Range(0, 2000).Select(i => (JsonNode)new JsonObject
        {
            ["resourceType"] = "Observation", ["id"] = $"o{i}", ["status"] = "final",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "1742-6", ["display"] = "ALT" }) },
            ["subject"] = new JsonObject { ["reference"] = "Patient/p1" },
            ["effectiveDateTime"] = $"2026-{1 + i % 10:00}-{1 + i % 28:00}",
            ["valueQuantity"] = new JsonObject { ["value"] = 20 + i % 200, ["unit"] = "U/L", ["system"] = "http://unitsofmeasure.org", ["code"] = "U/L" },
            ["note"] = new JsonArray(new JsonObject { ["text"] = new string('x', 500) }),
        }).ToArray();
        var body = OrderSign([NaltrexoneDraft()], new() { ["liverLabs"] = Bundle(observations) }).ToJsonString();
        if (body.Length < 1_100_000) throw new InvalidOperationException($"The large order-sign is only {body.Length} bytes.");
        return body;
    }
}
