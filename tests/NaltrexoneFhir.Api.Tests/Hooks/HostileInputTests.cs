using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NaltrexoneFhir.Api.Tests.Hooks;

/// <summary>Bad input gets a clear 4xx with an OperationOutcome, never a 500, and the service keeps answering.</summary>
[Collection(nameof(ApiCollection))]
public sealed class HostileInputTests(CdsApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task AssertRejected(string body, HttpStatusCode expected, string? mentions = null)
    {
        var response = await _client.PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("OperationOutcome", json.GetProperty("resourceType").GetString());
        if (mentions is not null) Assert.Contains(mentions, text);
        // and the service still answers
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/cds-services")).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("\"string\"")]
    [InlineData("{\"hook\":\"order-sign\"}")]
    public Task MalformedBodies_Are400(string body) => AssertRejected(body, HttpStatusCode.BadRequest);

    [Fact]
    public Task WrongHookForService_Is400() =>
        AssertRejected(Requests.OrderSign([Requests.NaltrexoneDraft()], hook: "patient-view").ToJsonString(), HttpStatusCode.BadRequest, "hook");

    [Fact]
    public Task MissingPatientId_Is400()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        ((JsonObject)body["context"]!).Remove("patientId");
        return AssertRejected(body.ToJsonString(), HttpStatusCode.BadRequest, "context.patientId");
    }

    [Fact]
    public Task PatientIdOfWrongType_Is400()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        body["context"]!["patientId"] = 42;
        return AssertRejected(body.ToJsonString(), HttpStatusCode.BadRequest, "context.patientId");
    }

    [Fact]
    public Task DraftOrdersNotABundle_Is400()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        body["context"]!["draftOrders"] = new JsonArray(1, 2);
        return AssertRejected(body.ToJsonString(), HttpStatusCode.BadRequest, "draftOrders");
    }

    [Fact]
    public Task MissingHookInstance_Is400()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        body.Remove("hookInstance");
        return AssertRejected(body.ToJsonString(), HttpStatusCode.BadRequest, "hookInstance");
    }

    [Fact]
    public Task OrderSelectWithoutSelections_Is400() =>
        _ = PostTo("naltrexone-order-select", Requests.OrderSign([Requests.NaltrexoneDraft()]).ToJsonString().Replace("\"order-sign\"", "\"order-select\""), HttpStatusCode.BadRequest);

    [Fact]
    public Task PrefetchOfWrongShape_Is400()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        body["prefetch"]!["medicationRequests"] = "oops";
        return AssertRejected(body.ToJsonString(), HttpStatusCode.BadRequest, "medicationRequests");
    }

    [Fact]
    public Task ResourceWithWrongTypes_Is400NotA500()
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()]);
        body["prefetch"]!["medicationRequests"] = JsonNode.Parse("{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"MedicationRequest\",\"dosageInstruction\":{\"x\":1}}}]}");
        return AssertRejected(body.ToJsonString(), HttpStatusCode.BadRequest, "medicationRequests");
    }

    [Fact]
    public Task DeeplyNestedBody_Is400()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 500; i++) sb.Append("{\"a\":");
        sb.Append('1');
        for (var i = 0; i < 500; i++) sb.Append('}');
        return AssertRejected(sb.ToString(), HttpStatusCode.BadRequest, "deeper");
    }

    [Fact]
    public async Task HugeBody_Is413()
    {
        await using var f = new CdsApiFactory().With("Cds:MaxRequestBodyBytes", "20000");
        var client = f.CreateClient();
        var body = "{\"hook\":\"order-sign\",\"pad\":\"" + new string('x', 50_000) + "\"}";
        var response = await client.PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("OperationOutcome", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RandomMutations_NeverProduce5xx()
    {
        var baseline = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "hook-requests", "order-sign-naltrexone-on-oxycodone.json"));
        var rng = new Random(12345);
        const string junk = "{}[]\",:0123456789tfn-.eE\\ xyz";
        for (var i = 0; i < 300; i++)
        {
            var chars = baseline.ToCharArray();
            var edits = rng.Next(1, 6);
            for (var e = 0; e < edits; e++) chars[rng.Next(chars.Length)] = junk[rng.Next(junk.Length)];
            var response = await _client.PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(new string(chars)));
            Assert.True((int)response.StatusCode < 500, $"mutation {i} gave {(int)response.StatusCode}");
        }
        // structural mutations: replace values with other JSON types
        var root = JsonNode.Parse(baseline)!;
        var replacements = new JsonNode?[] { null, 1, "x", true, new JsonArray(), new JsonObject() };
        foreach (var path in Paths(root).ToList())
            foreach (var replacement in replacements)
            {
                var copy = JsonNode.Parse(baseline)!;
                Set(copy, path, replacement?.DeepClone());
                var response = await _client.PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(copy.ToJsonString()));
                Assert.True((int)response.StatusCode < 500, $"{string.Join('/', path)} := {replacement?.ToJsonString() ?? "null"} gave {(int)response.StatusCode}");
            }
    }

    private async Task PostTo(string service, string body, HttpStatusCode expected)
    {
        var response = await _client.PostAsync($"/cds-services/{service}", CdsApiFactory.Json(body));
        Assert.Equal(expected, response.StatusCode);
    }

    private static IEnumerable<object[]> Paths(JsonNode node, List<object>? prefix = null)
    {
        prefix ??= [];
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    var p = new List<object>(prefix) { k };
                    yield return p.ToArray();
                    if (v is not null) foreach (var child in Paths(v, p)) yield return child;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var p = new List<object>(prefix) { i };
                    yield return p.ToArray();
                    if (a[i] is { } v) foreach (var child in Paths(v, p)) yield return child;
                }
                break;
        }
    }

    private static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = root;
        for (var i = 0; i < path.Length - 1; i++) parent = path[i] is string s ? parent[s]! : parent[(int)path[i]]!;
        if (path[^1] is string key) parent[key] = value; else parent[(int)path[^1]] = value;
    }
}
