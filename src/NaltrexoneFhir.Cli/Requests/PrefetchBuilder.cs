using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Infrastructure;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Cli.Requests;

/// <summary>What happened to one prefetch key.</summary>
public sealed record PrefetchOutcome(string Key, string Query, string Result);

/// <summary>
/// Plays the EHR's part: renders each discovery prefetch template with the hook context (the service's own
/// <see cref="DataKey.Render"/>) and runs it against the FHIR server. A search Bundle is sent with every page
/// merged (up to <see cref="MaxPages"/>); a read that finds nothing is sent as null; a failed query is sent as the
/// server's OperationOutcome, or left out when there is none.
/// </summary>
public sealed class PrefetchBuilder(HttpClient http, Uri fhirBase)
{
    public const int MaxPages = 10;

    public async Task<(JsonObject Prefetch, IReadOnlyList<PrefetchOutcome> Outcomes)> BuildAsync(
        IReadOnlyDictionary<string, string> templates, IReadOnlyDictionary<string, string> context,
        Action<string>? progress, CancellationToken ct)
    {
        var prefetch = new JsonObject();
        var outcomes = new List<PrefetchOutcome>();
        foreach (var (key, template) in templates.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            progress?.Invoke(key);
            string query;
            try
            {
                query = new DataKey(key, "", template, "").Render(context);
            }
            catch (FormatException ex)
            {
                outcomes.Add(new(key, template, $"left out: {ex.Message}"));
                continue;
            }
            var (value, result) = await FetchAsync(query, ct);
            if (value is not null || result == "null") prefetch[key] = value;
            outcomes.Add(new(key, query, result));
        }
        return (prefetch, outcomes);
    }

    private async Task<(JsonNode? Value, string Result)> FetchAsync(string query, CancellationToken ct)
    {
        var answer = await Http.GetAsync(http, Http.Combine(fhirBase, query), Http.FhirJson, ct);
        var body = answer.TryJson() as JsonObject;
        var type = (string?)body?["resourceType"];
        if (!answer.IsSuccess)
        {
            if (answer.Code == 404 && !query.Contains('?')) return (null, "null");   // a read that found nothing
            return type == "OperationOutcome"
                ? (body, $"OperationOutcome (HTTP {answer.Code})")
                : (null, $"left out: HTTP {answer.Code}");
        }
        if (body is null || type is null) return (null, "left out: the answer is not a FHIR resource");
        if (type != "Bundle") return (body, type);

        var entries = body["entry"] as JsonArray;
        var pages = 1;
        for (var next = NextLink(body); next is not null && pages < MaxPages; pages++)
        {
            var page = await Http.GetAsync(http, Http.Combine(fhirBase, next), Http.FhirJson, ct);
            if (!page.IsSuccess || page.TryJson() is not JsonObject pageBody) break;
            foreach (var e in pageBody["entry"] as JsonArray ?? [])
            {
                if (entries is null) body["entry"] = entries = [];
                entries.Add(e?.DeepClone());
            }
            next = NextLink(pageBody);
        }
        body.Remove("link");
        var count = entries?.Count ?? 0;
        return (body, $"Bundle, {count} entr{(count == 1 ? "y" : "ies")}{(pages > 1 ? $" ({pages} pages)" : "")}");
    }

    private static string? NextLink(JsonObject bundle) =>
        (bundle["link"] as JsonArray ?? []).OfType<JsonObject>().Where(l => (string?)l["relation"] == "next")
            .Select(l => (string?)l["url"]).FirstOrDefault();
}
