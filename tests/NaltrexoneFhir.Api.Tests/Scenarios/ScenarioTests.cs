using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Scenarios;

/// <summary>
/// Every folder under Scenarios/ holds request.json (a CDS Hooks request) and expected.json:
/// {"service": "...", "status": 200, "concerns": [...]} — the exact set of card concern codes
/// (source.topic.code) the service must answer with. The clock is pinned to 2026-11-22T10:00:00Z. An optional
/// "settings" object ({"FhirServer:DataFailurePolicy": "Strict"}) runs the scenario on a host with that configuration.
/// </summary>
[Collection(nameof(ApiCollection))]
public sealed class ScenarioTests(CdsApiFactory factory)
{
    public static IEnumerable<object[]> All() =>
        Directory.EnumerateDirectories(Path.Combine(AppContext.BaseDirectory, "Scenarios"))
            .Select(d => new object[] { Path.GetFileName(d) })
            .OrderBy(d => (string)d[0]);

    [Theory]
    [MemberData(nameof(All))]
    public async Task Scenario(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Scenarios", name);
        var expected = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "expected.json"))).RootElement;
        var service = expected.GetProperty("service").GetString();
        var status = expected.TryGetProperty("status", out var s) ? s.GetInt32() : 200;

        using var configured = expected.TryGetProperty("settings", out var settings) ? Configured(settings) : null;
        var response = await (configured ?? factory).CreateClient().PostAsync($"/cds-services/{service}",
            CdsApiFactory.Json(await File.ReadAllTextAsync(Path.Combine(dir, "request.json"))));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {body}");
        if (response.StatusCode != HttpStatusCode.OK) return;

        var cards = JsonDocument.Parse(body).RootElement.GetProperty("cards").EnumerateArray().ToList();
        var actual = cards.Select(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()).Order().ToList();
        var want = expected.GetProperty("concerns").EnumerateArray().Select(c => c.GetString()).Order().ToList();
        Assert.True(want.SequenceEqual(actual), $"{name}: expected [{string.Join(", ", want)}] but got [{string.Join(", ", actual)}]");
        foreach (var c in cards)
        {
            Assert.True(c.GetProperty("summary").GetString()!.Length < 140, $"{name}: summary too long");
            Assert.StartsWith("http", c.GetProperty("source").GetProperty("url").GetString());
        }
    }

    public static IEnumerable<object[]> OrderSign() =>
        All().Where(d =>
        {
            var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Scenarios", (string)d[0], "expected.json"))).RootElement;
            return expected.GetProperty("service").GetString() == "naltrexone-order-sign" && (!expected.TryGetProperty("status", out var s) || s.GetInt32() == 200);
        });

    /// <summary>The same data sent as order-select (every draft selected) gives the same cards as order-sign.</summary>
    [Theory]
    [MemberData(nameof(OrderSign))]
    public async Task OrderSelect_GivesTheSameAnswer(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "Scenarios", name);
        var request = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "request.json")))!.AsObject();
        request["hook"] = "order-select";
        var context = request["context"]!.AsObject();
        context["selections"] = new JsonArray(context["draftOrders"]!["entry"]!.AsArray()
            .Select(e => (JsonNode)JsonValue.Create($"{e!["resource"]!["resourceType"]}/{e["resource"]!["id"]}")!).ToArray());

        async Task<List<string?>> Concerns(string service, string body)
        {
            var response = await factory.CreateClient().PostAsync($"/cds-services/{service}", CdsApiFactory.Json(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("cards").EnumerateArray()
                .Select(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()).Order().ToList();
        }
        var sign = await Concerns("naltrexone-order-sign", await File.ReadAllTextAsync(Path.Combine(dir, "request.json")));
        var select = await Concerns("naltrexone-order-select", request.ToJsonString());
        Assert.True(sign.SequenceEqual(select), $"{name}: order-sign [{string.Join(", ", sign)}] but order-select [{string.Join(", ", select)}]");
    }

    private static CdsApiFactory Configured(JsonElement settings)
    {
        var f = new CdsApiFactory();
        foreach (var p in settings.EnumerateObject()) f.With(p.Name, p.Value.ToString());
        return f;
    }
}
