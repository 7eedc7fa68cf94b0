using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace NaltrexoneFhir.Cli.Tests.Kit;

/// <summary>
/// An in-memory FHIR server, just enough for the CLI: transaction/batch Bundles with PUT entries, PUT and read by id,
/// and searches by patient (plus code and status token lists), paged <see cref="PageSize"/> at a time with next links.
/// </summary>
public sealed class StubFhirServer : StubServer
{
    private readonly ConcurrentDictionary<string, JsonObject> _store = new();

    public int PageSize { get; set; } = 50;
    public ConcurrentQueue<string> Requests { get; } = new();
    public string FhirBase => BaseUrl + "/fhir";

    public JsonObject? Get(string type, string id) => _store.TryGetValue($"{type}/{id}", out var r) ? r : null;
    public int Count => _store.Count;

    public void Put(JsonObject resource) => _store[$"{resource["resourceType"]}/{resource["id"]}"] = (JsonObject)resource.DeepClone();

    protected override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/fhir", async (HttpRequest request) =>
        {
            Requests.Enqueue("POST /fhir");
            var bundle = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            var responses = new JsonArray();
            foreach (var entry in (bundle["entry"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var ok = (string?)entry["request"]?["method"] == "PUT" && entry["resource"] is JsonObject;
                if (ok) Put((JsonObject)entry["resource"]!);
                responses.Add(new JsonObject { ["response"] = new JsonObject { ["status"] = ok ? "200 OK" : "400 Bad Request" } });
            }
            return Fhir(new JsonObject { ["resourceType"] = "Bundle", ["type"] = $"{bundle["type"]}-response", ["entry"] = responses });
        });
        routes.MapPut("/fhir/{type}/{id}", async (string type, string id, HttpRequest request) =>
        {
            Requests.Enqueue($"PUT /fhir/{type}/{id}");
            var resource = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            Put(resource);
            return Fhir(resource);
        });
        routes.MapGet("/fhir/{type}/{id}", (string type, string id) =>
        {
            Requests.Enqueue($"GET /fhir/{type}/{id}");
            return Get(type, id) is { } r ? Fhir(r) : Fhir(Outcome("not-found", $"{type}/{id} not found"), 404);
        });
        routes.MapGet("/fhir/{type}", (string type, HttpRequest request) =>
        {
            Requests.Enqueue($"GET /fhir/{type}{request.QueryString}");
            var q = request.Query;
            var patient = (string?)q["patient"];
            var codes = ((string?)q["code"])?.Split(',').ToHashSet();
            var statuses = ((string?)q["status"])?.Split(',').ToHashSet();
            var matches = _store.Values.Where(r => (string?)r["resourceType"] == type)
                .Where(r => patient is null || (string?)(r["subject"] ?? r["patient"])?["reference"] == $"Patient/{patient}")
                .Where(r => codes is null || (r["code"]?["coding"] as JsonArray ?? []).Any(c => codes.Contains($"{c?["system"]}|{c?["code"]}")))
                .Where(r => statuses is null || statuses.Contains((string?)r["status"] ?? ""))
                .OrderBy(r => (string?)r["id"], StringComparer.Ordinal).ToList();
            var page = int.TryParse(q["_page"], out var p) ? p : 0;
            var bundle = new JsonObject
            {
                ["resourceType"] = "Bundle",
                ["type"] = "searchset",
                ["total"] = matches.Count,
            };
            var slice = matches.Skip(page * PageSize).Take(PageSize).ToList();
            if (slice.Count > 0)
                bundle["entry"] = new JsonArray(slice.Select(r => (JsonNode)new JsonObject { ["resource"] = r.DeepClone() }).ToArray());
            if ((page + 1) * PageSize < matches.Count)
            {
                var next = QueryString.Create(q.Where(kv => kv.Key != "_page")
                    .Append(new("_page", (page + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                bundle["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = $"{FhirBase}/{type}{next}" });
            }
            return Fhir(bundle);
        });
    }

    private static JsonObject Outcome(string code, string text) => new()
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray(new JsonObject { ["severity"] = "error", ["code"] = code, ["diagnostics"] = text }),
    };

    private static IResult Fhir(JsonNode body, int status = 200) =>
        Results.Content(body.ToJsonString(), "application/fhir+json", System.Text.Encoding.UTF8, status);
}
