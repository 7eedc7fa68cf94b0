using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using NaltrexoneFhir.Testing;

namespace NaltrexoneFhir.Integration.Tests;

/// <summary>
/// The service in memory, allowed to call the sandbox (and any proxies in front of it) over loopback http. The clock is
/// pinned to 2026-11-22T10:00:00Z, the date the synthetic patients are written against. Time limits are roomier than the
/// production defaults (1 s per call, 1.5 s budget) so that a loaded CI machine does not turn into timeouts.
/// </summary>
public sealed class SandboxApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Clock:Now"] = "2026-11-22T10:00:00Z",
        ["FhirServer:AllowHttpLoopback"] = "true",
        ["FhirServer:Timeout"] = "00:00:03",
        ["FhirServer:Budget"] = "00:00:05",
    };

    public SandboxApiFactory(params string[] allowedBaseUrls)
    {
        for (var i = 0; i < allowedBaseUrls.Length; i++) _settings[$"FhirServer:AllowedBaseUrls:{i}"] = allowedBaseUrls[i];
    }

    public SandboxApiFactory With(string key, string value) { _settings[key] = value; return this; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> OrderSignAsync(JsonObject request)
    {
        var response = await CreateClient().PostAsync("/cds-services/naltrexone-order-sign",
            new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}

/// <summary>Order-sign requests for the synthetic patients: naltrexone 50 mg drafted, data to come from fhirServer.</summary>
public static class Hook
{
    public static JsonObject OrderSign(string patientId, string fhirServer, string? token = SandboxFhirServer.Token, JsonObject? prefetch = null)
    {
        var body = new JsonObject
        {
            ["hook"] = "order-sign",
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["fhirServer"] = fhirServer,
            ["context"] = new JsonObject
            {
                ["userId"] = "Practitioner/sbx-prescriber",
                ["patientId"] = patientId,
                ["draftOrders"] = new JsonObject
                {
                    ["resourceType"] = "Bundle",
                    ["type"] = "collection",
                    ["entry"] = new JsonArray(new JsonObject
                    {
                        ["resource"] = new JsonObject
                        {
                            ["resourceType"] = "MedicationRequest",
                            ["id"] = "draft-ntx",
                            ["status"] = "draft",
                            ["intent"] = "order",
                            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
                            ["medicationCodeableConcept"] = new JsonObject
                            {
                                ["coding"] = new JsonArray(new JsonObject
                                {
                                    ["system"] = "http://www.nlm.nih.gov/research/umls/rxnorm", ["code"] = "1483744",
                                    ["display"] = "naltrexone hydrochloride 50 MG Oral Tablet",
                                }),
                            },
                        },
                    }),
                },
            },
        };
        if (token is not null)
            body["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 300,
                ["scope"] = "user/MedicationRequest.read user/Observation.read", ["subject"] = "naltrexone-cds",
            };
        if (prefetch is not null) body["prefetch"] = prefetch;
        return body;
    }

    public static IReadOnlyList<string> Concerns(JsonElement body) =>
        body.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()!).ToList();

    public static JsonElement Card(JsonElement body, string concern) =>
        body.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == concern);
}

/// <summary>
/// A tiny delay/fault proxy in front of the sandbox: a request the fault function handles gets the fault (a delay, an
/// error status, a garbage body); everything else is forwarded, with the sandbox's links rewritten to the proxy.
/// </summary>
public static class FaultProxy
{
    private static readonly HttpClient Forward = new();

    public static async Task<StubHttpServer> StartAsync(SandboxFhirServer sandbox, Func<HttpContext, Task<bool>> fault)
    {
        StubHttpServer? proxy = null;
        proxy = await StubHttpServer.StartAsync(async ctx =>
        {
            if (await fault(ctx)) return;
            using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), sandbox.Origin + ctx.Request.Path + ctx.Request.QueryString);
            if (ctx.Request.Headers.Authorization.Count > 0) request.Headers.TryAddWithoutValidation("Authorization", ctx.Request.Headers.Authorization.ToString());
            using var response = await Forward.SendAsync(request, ctx.RequestAborted);
            var text = (await response.Content.ReadAsStringAsync(ctx.RequestAborted)).Replace(sandbox.Origin, proxy!.Origin, StringComparison.Ordinal);
            ctx.Response.StatusCode = (int)response.StatusCode;
            ctx.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await ctx.Response.WriteAsync(text, ctx.RequestAborted);
        });
        return proxy;
    }

    /// <summary>A request to {base}/Type (optionally with a query containing a code).</summary>
    public static bool Is(HttpContext ctx, string resourceType, string? code = null) =>
        ctx.Request.Path.Value!.EndsWith("/" + resourceType, StringComparison.Ordinal)
        && (code is null || Uri.UnescapeDataString(ctx.Request.QueryString.Value ?? "").Contains(code, StringComparison.Ordinal));
}
