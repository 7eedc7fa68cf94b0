using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NaltrexoneFhir.Api.Tests.Hooks;
using NaltrexoneFhir.Testing;

namespace NaltrexoneFhir.Api.Tests.PatientData;

/// <summary>
/// The fallback over real loopback sockets: the SSRF guard (a non-allowlisted server receives no connection), next links
/// to another origin, connection retries, and logs free of tokens and patient ids.
/// </summary>
public sealed class FallbackOverHttpTests
{
    private const string Token = "tok-SECRET-4711";

    /// <summary>A host whose allowlist holds the given bases. Generous time limits: a loaded CI machine must not turn into timeouts.</summary>
    private static CdsApiFactory Factory(params string[] allowed)
    {
        var f = new CdsApiFactory()
            .With("FhirServer:AllowHttpLoopback", "true")
            .With("FhirServer:Timeout", "00:00:05")
            .With("FhirServer:Budget", "00:00:10");
        for (var i = 0; i < allowed.Length; i++) f.With($"FhirServer:AllowedBaseUrls:{i}", allowed[i]);
        return f;
    }

    private static JsonObject Request(string fhirServer, Dictionary<string, JsonNode?>? prefetch = null, string patientId = "p1")
    {
        var body = Requests.OrderSign([Requests.NaltrexoneDraft()], prefetch);
        body.Remove("prefetch");
        if (prefetch is not null) body["prefetch"] = new JsonObject(prefetch.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        body["fhirServer"] = fhirServer;
        body["fhirAuthorization"] = new JsonObject
        {
            ["access_token"] = Token, ["token_type"] = "Bearer", ["expires_in"] = 300, ["scope"] = "user/*.read", ["subject"] = "naltrexone-cds",
        };
        ((JsonObject)body["context"]!)["patientId"] = patientId;
        return body;
    }

    private static async Task<JsonElement> Post(CdsApiFactory factory, JsonObject body)
    {
        var response = await factory.CreateClient().PostAsync("/cds-services/naltrexone-order-sign", CdsApiFactory.Json(body.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await CdsApiFactory.ReadJson(response);
    }

    private static JsonElement? Card(JsonElement body, string concern) =>
        body.GetProperty("cards").EnumerateArray().Cast<JsonElement?>()
            .FirstOrDefault(c => c!.Value.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == concern);

    private static string EmptyBundle => """{"resourceType":"Bundle","type":"searchset","entry":[]}""";

    [Fact]
    public async Task NotAllowlistedServer_ReceivesNoConnection()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var target = $"http://127.0.0.1:{port}/fhir";

            using (var factory = Factory("http://127.0.0.1:1/fhir")) // allowlisted: some other server
            {
                var body = await Post(factory, Request(target));
                var card = Card(body, "data-unavailable");
                Assert.NotNull(card);
                Assert.Contains("not on this service's allowlist", card!.Value.GetProperty("detail").GetString());
                Assert.False(listener.Pending(), "a server that is not on the allowlist was contacted");
            }

            // The same request with the listener on the allowlist does connect: the check above can fail.
            using (var factory = Factory(target).With("FhirServer:Timeout", "00:00:00.500").With("FhirServer:Budget", "00:00:01"))
            {
                var body = await Post(factory, Request(target));
                Assert.Contains("timed out", Card(body, "data-unavailable")!.Value.GetProperty("detail").GetString());
                Assert.True(listener.Pending(), "the allowlisted server was not contacted");
            }
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task PrefetchedNextLinkToAnotherOrigin_IsNotFollowed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var ehr = await StubHttpServer.StartAsync(ctx => StubHttpServer.Fhir(ctx, EmptyBundle));
        try
        {
            var elsewhere = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/fhir/MedicationRequest?page=2";
            var page1 = Requests.Bundle(Requests.OxycodoneActive());
            page1["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = elsewhere });
            using var factory = Factory($"{ehr.Origin}/fhir", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/fhir-other");

            var body = await Post(factory, Request($"{ehr.Origin}/fhir", new() { ["medicationRequests"] = page1 }));

            Assert.NotNull(Card(body, "opioid-coprescription"));   // page 1 was used
            Assert.Contains("medication list incomplete — a next-page link points outside the FHIR server (not followed)",
                Card(body, "data-unavailable")!.Value.GetProperty("detail").GetString());
            Assert.False(listener.Pending(), "a next link to another origin was followed");
            Assert.DoesNotContain(ehr.Requests, r => r.PathAndQuery.StartsWith("/fhir/MedicationRequest", StringComparison.Ordinal));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task AbsentKeys_FetchedWithTokenAndFhirJson_OnlyThoseAbsent()
    {
        // Searches find nothing; the Patient read answers 404 (no such resource = no data, not a failure).
        await using var ehr = await StubHttpServer.StartAsync(ctx => ctx.Request.Path.StartsWithSegments("/fhir/Patient")
            ? StubHttpServer.Fhir(ctx, """{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}""", 404)
            : StubHttpServer.Fhir(ctx, EmptyBundle));
        using var factory = Factory($"{ehr.Origin}/fhir");
        var body = await Post(factory, Request($"{ehr.Origin}/fhir", new() { ["medicationRequests"] = Requests.Bundle(Requests.OxycodoneActive()) }));

        Assert.NotNull(Card(body, "opioid-coprescription"));
        Assert.NotNull(Card(body, "missing-baseline-lft"));     // the server had no liver tests: a real "none on file"
        Assert.Null(Card(body, "data-unavailable"));
        Assert.NotEmpty(ehr.Requests);
        Assert.DoesNotContain(ehr.Requests, r => r.PathAndQuery.StartsWith("/fhir/MedicationRequest", StringComparison.Ordinal));
        Assert.Contains(ehr.Requests, r => r.PathAndQuery.StartsWith("/fhir/Observation?patient=p1&code=", StringComparison.Ordinal));
        Assert.All(ehr.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
        Assert.All(ehr.Requests, r => Assert.Equal("application/fhir+json", r.Accept));
    }

    [Fact]
    public async Task ConnectionDroppedOnce_IsRetried_DroppedTwice_IsUnavailable()
    {
        var attempts = new Dictionary<string, int>();
        await using var ehr = await StubHttpServer.StartAsync(ctx =>
        {
            var path = ctx.Request.Path.Value!;
            int n;
            lock (attempts) n = attempts[path] = attempts.GetValueOrDefault(path) + 1;
            // Liver tests: the connection drops once, then the server answers. Medication list: it always drops.
            if (path.EndsWith("/Observation", StringComparison.Ordinal) && ctx.Request.QueryString.Value!.Contains("1742-6", StringComparison.Ordinal) && n == 1
                || path.EndsWith("/MedicationRequest", StringComparison.Ordinal))
            {
                ctx.Abort();
                return Task.CompletedTask;
            }
            return StubHttpServer.Fhir(ctx, EmptyBundle);
        });
        using var factory = Factory($"{ehr.Origin}/fhir");
        var body = await Post(factory, Request($"{ehr.Origin}/fhir"));

        var detail = Card(body, "data-unavailable")!.Value.GetProperty("detail").GetString()!;
        Assert.True(detail.Contains("medication list unavailable — FHIR server dropped the connection", StringComparison.Ordinal), detail);
        Assert.DoesNotContain("liver tests", detail);
        Assert.NotNull(Card(body, "missing-baseline-lft"));   // liver tests were read on the second attempt
        Assert.Equal(2, ehr.Requests.Count(r => r.PathAndQuery.StartsWith("/fhir/MedicationRequest", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Logs_CarryNoTokenAndNoPatientId()
    {
        const string patientId = "pt-7f3a9c55";
        var logs = new CapturingLoggerProvider();
        StubHttpServer? ehr = null;
        ehr = await StubHttpServer.StartAsync(ctx =>
        {
            var path = ctx.Request.Path.Value!;
            if (path.EndsWith("/MedicationRequest", StringComparison.Ordinal))
                return StubHttpServer.Fhir(ctx, """{"resourceType":"OperationOutcome"}""", 500);
            // An opaque paging link with the patient id in its path: .NET redacts query strings in its HttpClient logs, not paths.
            if (path.EndsWith("/Condition", StringComparison.Ordinal))
                return StubHttpServer.Fhir(ctx, $$"""{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"{{ehr!.Origin}}/fhir/_page/{{patientId}}/2"}]}""");
            return StubHttpServer.Fhir(ctx, EmptyBundle);
        });
        await using var _ = ehr;
        using var factory = Factory($"{ehr.Origin}/fhir")
            .Configure(b => b.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));

        var body = await Post(factory, Request($"{ehr.Origin}/fhir", patientId: patientId));
        await Post(factory, Request($"https://not-allowed.example/fhir/Patient/{patientId}", patientId: patientId));

        Assert.NotNull(Card(body, "data-unavailable"));
        Assert.Contains(ehr.Requests, r => r.PathAndQuery.StartsWith($"/fhir/_page/{patientId}/2", StringComparison.Ordinal)); // the id did travel…
        Assert.Contains(logs.Lines, l => l.Contains("FHIR server fetch for medicationRequests: server-error (HTTP 500)", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("fhirServer https://not-allowed.example:443 not contacted", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(patientId, StringComparison.Ordinal));            // …but never into a log
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Token, StringComparison.Ordinal));
    }
}
