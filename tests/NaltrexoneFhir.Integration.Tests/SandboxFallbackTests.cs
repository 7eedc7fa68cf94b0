using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Integration.Tests;

/// <summary>
/// The FHIR-server fallback against a real FHIR engine (the sandbox) seeded with synthetic patients:
/// sbx-opioid (active oxycodone, ALT 182 U/L, positive urine opioid screen), sbx-clean (nothing of concern),
/// sbx-paged (12 medication orders, the active oxycodone last: page 3 of 3 at page size 5).
/// </summary>
[Collection(nameof(SandboxCollection))]
public sealed class SandboxFallbackTests(SandboxFhirServer sandbox) : IAsyncLifetime
{
    public Task InitializeAsync() => sandbox.ClearRequestsAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IReadOnlyList<SandboxRequest>> Requests(string resourceType) =>
        (await sandbox.RequestsAsync()).Where(r => r.Url.StartsWith($"/fhir/{resourceType}?", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task NoPrefetch_EveryNeededKeyIsFetched_WithTheToken()
    {
        using var factory = new SandboxApiFactory(sandbox.BaseUrl);
        var request = Hook.OrderSign("sbx-opioid", sandbox.BaseUrl);
        var (status, body) = await factory.OrderSignAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["hepatotoxicity", "opioid-coprescription", "recent-opioid-use"], Hook.Concerns(body).Order());

        // The keys the triggered rules need, rendered exactly as the discovery templates are: each fetched once.
        var services = factory.Services;
        var (hook, _) = HookRequestParser.Parse(JsonDocument.Parse(request.ToJsonString()).RootElement, HookNames.OrderSign);
        var trigger = new TriggerContext(hook!.Hook, services.GetRequiredService<PatientDataBuilder>().ClassifyDrafts(hook));
        var keys = services.GetRequiredService<DataKeys>();
        var expected = services.GetRequiredService<RuleEngine>().NeededKeys(trigger, new RuleOptions())
            .Select(k => "/fhir/" + Uri.UnescapeDataString(keys[k].Render(hook.ContextTokens))).Order().ToList();
        Assert.Contains("/fhir/MedicationRequest?patient=sbx-opioid", expected);
        Assert.Contains(expected, e => e.StartsWith("/fhir/Observation?patient=sbx-opioid&code=http://loinc.org|1742-6", StringComparison.Ordinal));

        var received = await sandbox.RequestsAsync();
        Assert.Equal(expected, received.Select(r => r.Decoded).Order().ToList());
        Assert.All(received, r => Assert.Equal($"Bearer {SandboxFhirServer.Token}", r.Authorization));
        Assert.All(received, r => Assert.Equal("application/fhir+json", r.Accept));
    }

    [Fact]
    public async Task PartialPrefetch_OnlyTheAbsentKeysAreFetched()
    {
        using var factory = new SandboxApiFactory(sandbox.BaseUrl);
        var prefetch = new JsonObject
        {
            ["medicationRequests"] = null, // the EHR ran the query: nothing (so no opioid card, although the sandbox has one)
            ["conditions"] = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray() },
        };
        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-opioid", sandbox.BaseUrl, prefetch: prefetch));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("opioid-coprescription", Hook.Concerns(body));
        Assert.Contains("hepatotoxicity", Hook.Concerns(body));
        Assert.Empty(await Requests("MedicationRequest"));
        Assert.Empty(await Requests("Condition"));
        Assert.NotEmpty(await Requests("Observation"));
    }

    [Fact]
    public async Task CleanPatient_NoCards()
    {
        using var factory = new SandboxApiFactory(sandbox.BaseUrl);
        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-clean", sandbox.BaseUrl));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Hook.Concerns(body));
    }

    [Fact]
    public async Task WrongToken_TheServerRefuses_DataUnavailableCardSaysSo()
    {
        using var factory = new SandboxApiFactory(sandbox.BaseUrl);
        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-opioid", sandbox.BaseUrl, token: "not-the-token"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["data-unavailable"], Hook.Concerns(body));
        var card = Hook.Card(body, "data-unavailable");
        Assert.Equal("warning", card.GetProperty("indicator").GetString());
        Assert.Contains("FHIR server refused access (HTTP 401)", card.GetProperty("summary").GetString());
        Assert.Matches(@"Naltrexone ordered for a patient on an active opioid — not checked: medication list(, [a-z ]+)* unavailable — FHIR server refused access \(HTTP 401\)",
            card.GetProperty("detail").GetString());
        Assert.All(await sandbox.RequestsAsync(), r => Assert.Equal("Bearer not-the-token", r.Authorization)); // forwarded as given
    }

    [Fact]
    public async Task Paging_NextLinksAreFollowed()
    {
        using var factory = new SandboxApiFactory(sandbox.BaseUrl);
        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-paged", sandbox.BaseUrl));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["opioid-coprescription"], Hook.Concerns(body)); // the oxycodone is on page 3
        var pages = await Requests("MedicationRequest");
        Assert.Equal(3, pages.Count);
        Assert.Equal(["", "_offset=10", "_offset=5"], pages.Select(p => p.Url.Contains("_offset=", StringComparison.Ordinal) ? p.Url[p.Url.IndexOf("_offset=", StringComparison.Ordinal)..] : "").Order());
    }

    [Fact]
    public async Task Paging_TheCapIsKept_AndTheCardSaysTheListIsIncomplete()
    {
        using var factory = new SandboxApiFactory(sandbox.BaseUrl).With("FhirServer:MaxPages", "2");
        var (_, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-paged", sandbox.BaseUrl));

        Assert.Equal(["data-unavailable"], Hook.Concerns(body));
        Assert.Contains("medication list incomplete — more than 2 pages; only the first 2 were read", Hook.Card(body, "data-unavailable").GetProperty("detail").GetString());
        Assert.Equal(2, (await Requests("MedicationRequest")).Count);
    }

    [Fact]
    public async Task PrefetchedFirstPage_TheRemainingPagesAreFetched()
    {
        var page1 = JsonNode.Parse(await sandbox.Http.GetStringAsync($"{sandbox.BaseUrl}/MedicationRequest?patient=sbx-paged"))!.AsObject();
        Assert.Equal(SandboxFhirServer.PageSize, page1["entry"]!.AsArray().Count);
        await sandbox.ClearRequestsAsync();
        using var factory = new SandboxApiFactory(sandbox.BaseUrl);

        var (_, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-paged", sandbox.BaseUrl, prefetch: new JsonObject { ["medicationRequests"] = page1 }));

        Assert.Contains("opioid-coprescription", Hook.Concerns(body));
        var fetched = await Requests("MedicationRequest");
        Assert.Equal(2, fetched.Count);
        Assert.All(fetched, r => Assert.Contains("_offset=", r.Url));
    }

    [Fact]
    public async Task SlowServer_DataUnavailableCardWithinTheBudget_TheRestIsEvaluated()
    {
        await using var proxy = await FaultProxy.StartAsync(sandbox, async ctx =>
        {
            if (!FaultProxy.Is(ctx, "MedicationRequest")) return false;
            await Task.Delay(TimeSpan.FromSeconds(60), ctx.RequestAborted); // far beyond the budget; ends when the service gives up
            return true;
        });
        using var factory = new SandboxApiFactory($"{proxy.Origin}/fhir");

        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-opioid", $"{proxy.Origin}/fhir"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["data-unavailable", "hepatotoxicity", "recent-opioid-use"], Hook.Concerns(body).Order());
        var card = Hook.Card(body, "data-unavailable");
        Assert.Matches(@"^\d+ safety checks not run: medication list unavailable — FHIR server timed out$", card.GetProperty("summary").GetString()); // every rule that reads the medication list
        Assert.Contains("Naltrexone ordered for a patient on an active opioid — not checked: medication list unavailable — FHIR server timed out",
            card.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task FailingServer_EachFailureIsNamed_TheRestIsEvaluated()
    {
        await using var proxy = await FaultProxy.StartAsync(sandbox, async ctx =>
        {
            if (FaultProxy.Is(ctx, "Observation", "1742-6")) // liver tests
            {
                ctx.Response.StatusCode = 503;
                return true;
            }
            if (FaultProxy.Is(ctx, "Observation", "19295-5")) // urine opioid screens
            {
                ctx.Response.ContentType = "application/fhir+json";
                await ctx.Response.WriteAsync("{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":");
                return true;
            }
            return false;
        });
        using var factory = new SandboxApiFactory($"{proxy.Origin}/fhir");

        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-opioid", $"{proxy.Origin}/fhir"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["data-unavailable", "opioid-coprescription"], Hook.Concerns(body).Order());
        var detail = Hook.Card(body, "data-unavailable").GetProperty("detail").GetString();
        Assert.Contains("— not checked: liver tests unavailable — FHIR server error (HTTP 503)", detail);
        Assert.Contains("Recent positive urine opioid screen — not checked: urine opioid screens unavailable — FHIR server response unreadable", detail);
    }

    [Fact]
    public async Task StrictPolicy_SlowServer_Returns412NamingTheKey()
    {
        await using var proxy = await FaultProxy.StartAsync(sandbox, async ctx =>
        {
            if (!FaultProxy.Is(ctx, "MedicationRequest")) return false;
            await Task.Delay(TimeSpan.FromSeconds(60), ctx.RequestAborted);
            return true;
        });
        using var factory = new SandboxApiFactory($"{proxy.Origin}/fhir").With("FhirServer:DataFailurePolicy", "Strict");

        var (status, body) = await factory.OrderSignAsync(Hook.OrderSign("sbx-opioid", $"{proxy.Origin}/fhir"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
        var issue = Assert.Single(body.GetProperty("issue").EnumerateArray());
        Assert.Equal("prefetch.medicationRequests", issue.GetProperty("expression")[0].GetString());
        Assert.EndsWith("could not be fetched: FHIR server timed out.", issue.GetProperty("diagnostics").GetString());
    }
}
