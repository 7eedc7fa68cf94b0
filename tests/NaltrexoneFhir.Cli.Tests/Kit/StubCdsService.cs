using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NaltrexoneFhir.Cli.Tests.Kit;

/// <summary>
/// Some other CDS Hooks service (not ours): its own service id, prefetch keys and card shapes. Records each call.
/// Patient "reject-me" gets a 412 OperationOutcome.
/// </summary>
public sealed class StubCdsService : StubServer
{
    public const string ServiceId = "acme-opioid-check";

    public static readonly JsonObject Prefetch = new()
    {
        ["pt"] = "Patient/{{context.patientId}}",
        ["meds"] = "MedicationRequest?patient={{context.patientId}}&status=active",
        ["enc"] = "Encounter/{{context.encounterId}}",
    };

    public ConcurrentQueue<(JsonObject Body, string? Authorization)> Calls { get; } = new();

    protected override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/cds-services", () => Results.Content(new JsonObject
        {
            ["services"] = new JsonArray(new JsonObject
            {
                ["id"] = ServiceId,
                ["hook"] = "order-sign",
                ["title"] = "ACME opioid check",
                ["description"] = "A service that is not the naltrexone one.",
                ["prefetch"] = Prefetch.DeepClone(),
            }),
        }.ToJsonString(), "application/json"));

        routes.MapPost($"/cds-services/{ServiceId}", async (HttpRequest request) =>
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            Calls.Enqueue((body, request.Headers.Authorization.FirstOrDefault()));
            if ((string?)body["context"]?["patientId"] == "reject-me")
                return Results.Content("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"required","diagnostics":"prefetch key 'meds' is required"}]}""",
                    "application/fhir+json", null, 412);
            return Results.Content("""
                {"cards":[
                  {"summary":"ACME: check the PDMP before prescribing","indicator":"warning","source":{"label":"ACME rules"},
                   "suggestions":[{"label":"Open the PDMP"}]},
                  {"summary":"ACME: informational note without a source","indicator":"info"}
                ]}
                """, "application/json");
        });
    }
}
