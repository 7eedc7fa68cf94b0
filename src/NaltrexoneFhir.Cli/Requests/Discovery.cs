using System.Text.Json.Nodes;
using NaltrexoneFhir.Cli.Infrastructure;

namespace NaltrexoneFhir.Cli.Requests;

/// <summary>One service from a CDS Hooks discovery document (any CDS Hooks service, not only ours).</summary>
public sealed record DiscoveredService(string Id, string Hook, string? Title, string? Description, IReadOnlyDictionary<string, string> Prefetch);

public static class Discovery
{
    /// <summary>"http://host" or "http://host/cds-services" → "http://host/cds-services".</summary>
    public static Uri DiscoveryUrl(Uri serviceBase)
    {
        var text = serviceBase.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text.EndsWith("/cds-services", StringComparison.Ordinal) ? text : text + "/cds-services");
    }

    /// <summary>"http://host/cds-services/some-id" → ("http://host/cds-services", "some-id").</summary>
    public static (Uri Discovery, string ServiceId) SplitServiceUrl(Uri serviceUrl)
    {
        var path = serviceUrl.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
            throw new CliException($"'{serviceUrl}' is not a CDS service URL; expected …/cds-services/<service-id>.");
        var builder = new UriBuilder(serviceUrl) { Path = path[..slash], Query = "", Fragment = "" };
        return (builder.Uri, Uri.UnescapeDataString(path[(slash + 1)..]));
    }

    public static async Task<(IReadOnlyList<DiscoveredService> Services, JsonNode Raw)> FetchAsync(HttpClient http, Uri discoveryUrl, CancellationToken ct)
    {
        var answer = await Http.GetAsync(http, discoveryUrl, "application/json", ct);
        if (!answer.IsSuccess)
            throw new CliException($"Discovery at {discoveryUrl} answered {answer.Describe()}.");
        var raw = answer.TryJson();
        if (raw?["services"] is not JsonArray services)
            throw new CliException($"{discoveryUrl} did not answer with a CDS Hooks discovery document (no \"services\" array).");
        var list = new List<DiscoveredService>();
        foreach (var s in services.OfType<JsonObject>())
        {
            var prefetch = new Dictionary<string, string>(StringComparer.Ordinal);
            if (s["prefetch"] is JsonObject p)
                foreach (var (k, v) in p)
                    if (v is JsonValue value && value.TryGetValue<string>(out var template)) prefetch[k] = template;
            list.Add(new DiscoveredService((string?)s["id"] ?? "?", (string?)s["hook"] ?? "?", (string?)s["title"], (string?)s["description"], prefetch));
        }
        return (list, raw);
    }
}
