using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Cli.Infrastructure;

/// <summary>An HTTP answer read in full: status, body text and the URL it came from.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, string Body, string? MediaType, Uri Url)
{
    public int Code => (int)Status;
    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>The body as JSON, or null when it is empty or not JSON.</summary>
    public JsonNode? TryJson()
    {
        if (string.IsNullOrWhiteSpace(Body)) return null;
        try { return JsonNode.Parse(Body); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>The diagnostics of an OperationOutcome body (empty when the body is not one).</summary>
    public IReadOnlyList<string> Issues() =>
        TryJson() is JsonObject o && (string?)o["resourceType"] == "OperationOutcome"
            ? (o["issue"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(i => (string?)i["diagnostics"] ?? (string?)i["details"]?["text"] ?? (string?)i["code"])
                .OfType<string>().ToList()
            : [];

    /// <summary>"HTTP 412 PreconditionFailed" plus the OperationOutcome diagnostics when the body is one.</summary>
    public string Describe() =>
        Issues() is { Count: > 0 } issues ? $"HTTP {Code} {Status}: {string.Join("; ", issues)}" : $"HTTP {Code} {Status}";
}

/// <summary>HTTP calls with errors a person can act on ("could not reach …", "timed out …"), never a stack trace.</summary>
public static class Http
{
    public const string FhirJson = "application/fhir+json";

    public static Uri ParseUrl(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value)
            || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CliException($"{what} must be an absolute http(s) URL, got '{value}'.");
        return uri;
    }

    /// <summary>Joins a base URL and a relative path/query ("MedicationRequest?patient=1") without losing the base path.</summary>
    public static Uri Combine(Uri baseUrl, string relative)
    {
        if (Uri.TryCreate(relative, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
            return absolute;
        return new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + relative.TrimStart('/'));
    }

    public static Task<HttpAnswer> GetAsync(HttpClient http, Uri url, string accept, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return SendAsync(http, request, ct);
    }

    public static Task<HttpAnswer> SendJsonAsync(HttpClient http, HttpMethod method, Uri url, JsonNode body, string mediaType, CancellationToken ct, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, mediaType),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(FhirJson));
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return SendAsync(http, request, ct);
    }

    public static async Task<HttpAnswer> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken ct)
    {
        var url = request.RequestUri!;
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                return new HttpAnswer(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, url);
            }
            catch (HttpRequestException ex)
            {
                var reason = ex.InnerException?.Message ?? ex.Message;
                throw new CliException($"Could not reach {url.GetLeftPart(UriPartial.Path)}: {reason}") { IsNetwork = true };
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliException($"{url.GetLeftPart(UriPartial.Path)} did not answer within {http.Timeout.TotalSeconds:0} s.") { IsNetwork = true };
            }
        }
    }
}
