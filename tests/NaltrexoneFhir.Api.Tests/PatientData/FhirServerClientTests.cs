using System.Net;
using System.Text;
using NaltrexoneFhir.Api.PatientData;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Testing;

namespace NaltrexoneFhir.Api.Tests.PatientData;

/// <summary>The FHIR-server client with a fake at the I/O edge (the HTTP handler) and a manual elapsed-time clock.</summary>
public sealed class FhirServerClientTests
{
    private const string Base = "https://ehr.example.org/fhir";
    private static readonly Uri Search = new($"{Base}/MedicationRequest?patient=p1");

    private sealed class Handler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            lock (Requests) Requests.Add(request);
            return respond(request, Requests.Count, ct);
        }
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/fhir+json") };

    private static string Page(string id, string? next = null) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\","
        + (next is null ? "" : "\"link\":[{\"relation\":\"next\",\"url\":\"" + next + "\"}],")
        + "\"entry\":[{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"" + id
        + "\",\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p1\"}}}]}";

    private static readonly HttpRequestException Refused = new(HttpRequestError.ConnectionError, "Connection refused");

    private static (FhirServerClient Client, Handler Handler, ManualTime Time, FhirServerOptions Options) Create(
        Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> respond, Action<FhirServerOptions>? configure = null)
    {
        var options = new FhirServerOptions { Budget = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        var time = new ManualTime();
        var handler = new Handler(respond);
        return (new FhirServerClient(new HttpClient(handler), new FhirServerResilience(options, time), Microsoft.Extensions.Options.Options.Create(options)), handler, time, options);
    }

    private static Task<FetchResult> Fetch(FhirServerClient client, FetchBudget budget, Uri? url = null, bool isRead = false, Func<Uri, bool>? mayFollow = null) =>
        client.FetchAsync(url ?? Search, null, isRead, "tok-123", mayFollow ?? (u => u.AbsoluteUri.StartsWith(Base, StringComparison.Ordinal)), budget);

    [Fact]
    public async Task Search_SendsBearerAndFhirJsonAccept()
    {
        var (client, handler, time, options) = Create((_, _, _) => Task.FromResult(Json(Page("m1"))));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.True(result.Complete);
        Assert.Equal(PrefetchState.Provided, result.Value!.State);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("Bearer tok-123", request.Headers.Authorization!.ToString());
        Assert.Equal("application/fhir+json", Assert.Single(request.Headers.Accept).MediaType);
    }

    [Fact]
    public async Task ConnectionFailure_RetriedOnce_ThenSucceeds()
    {
        var (client, handler, time, options) = Create((_, n, _) => n == 1 ? throw Refused : Task.FromResult(Json(Page("m1"))));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.True(result.Complete);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task ConnectionFailure_AtMostOneRetry()
    {
        var (client, handler, time, options) = Create((_, _, _) => throw Refused);
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.Null(result.Value);
        Assert.Equal("FHIR server unreachable", result.Problem);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task ConnectionFailure_NotRetried_WhenTooLittleBudgetIsLeft()
    {
        ManualTime? clock = null;
        var (client, handler, time, options) = Create((_, _, _) => { clock!.Advance(TimeSpan.FromMilliseconds(1400)); throw Refused; },
            o => o.Budget = TimeSpan.FromMilliseconds(1500));
        clock = time;
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.Null(result.Value);
        Assert.Single(handler.Requests); // 100 ms left < RetryMinimumRemaining (250 ms)
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, "FHIR server error (HTTP 503)")]
    [InlineData(HttpStatusCode.Unauthorized, "FHIR server refused access (HTTP 401)")]
    [InlineData(HttpStatusCode.Forbidden, "FHIR server refused access (HTTP 403)")]
    [InlineData(HttpStatusCode.Found, "FHIR server redirected (HTTP 302, not followed)")]
    [InlineData(HttpStatusCode.BadRequest, "FHIR server answered HTTP 400")]
    public async Task HttpErrors_AreUnavailable_AndNotRetried(HttpStatusCode status, string problem)
    {
        var (client, handler, time, options) = Create((_, _, _) => Task.FromResult(Json("""{"resourceType":"OperationOutcome"}""", status)));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.Null(result.Value);
        Assert.Equal(problem, result.Problem);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task SlowServer_TimesOut_AndIsNotRetried()
    {
        var (client, handler, time, options) = Create(async (_, _, ct) => { await Task.Delay(Timeout.Infinite, ct); return Json("{}"); },
            o => o.Timeout = TimeSpan.FromMilliseconds(100));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.Equal("FHIR server timed out", result.Problem);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task SpentBudget_IsATimeout_NotACrash()
    {
        var (client, _, time, _) = Create(async (_, _, ct) => { await Task.Delay(Timeout.Infinite, ct); return Json("{}"); });
        using var budget = new FetchBudget(TimeSpan.FromMilliseconds(50), time, default);
        var result = await Fetch(client, budget);
        Assert.Null(result.Value);
        Assert.Equal("FHIR server timed out", result.Problem);
    }

    [Fact]
    public async Task CallerGone_Propagates()
    {
        using var cts = new CancellationTokenSource();
        var (client, _, time, options) = Create(async (_, _, ct) => { await cts.CancelAsync(); await Task.Delay(Timeout.Infinite, ct); return Json("{}"); });
        using var budget = new FetchBudget(options.Budget, time, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Fetch(client, budget));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"resourceType":"Bundle","entry":"oops"}""")]
    [InlineData("""{"resourceType":"Patient","id":"p1"}""")] // a search must answer with a Bundle
    public async Task UnreadableOrUnexpectedBody_IsUnavailable(string body)
    {
        var (client, _, time, options) = Create((_, _, _) => Task.FromResult(Json(body)));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.Null(result.Value);
        Assert.StartsWith("FHIR server re", result.Problem);
    }

    [Fact]
    public async Task OversizedBody_IsRefused()
    {
        var (client, _, time, options) = Create((_, _, _) => Task.FromResult(Json(Page(new string('x', 4000)))), o => o.MaxResponseBytes = 1024);
        using var budget = new FetchBudget(options.Budget, time, default);
        Assert.Equal("FHIR server response too large", (await Fetch(client, budget)).Problem);
    }

    [Fact]
    public async Task Read_NotFound_IsNoData()
    {
        var (client, _, time, options) = Create((_, _, _) => Task.FromResult(Json("""{"resourceType":"OperationOutcome"}""", HttpStatusCode.NotFound)));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget, new Uri($"{Base}/Patient/p1"), isRead: true);
        Assert.Equal(PrefetchState.Null, result.Value!.State);
    }

    [Fact]
    public async Task Paging_FollowsNextLinks_WithTheToken()
    {
        var (client, handler, time, options) = Create((r, n, _) => Task.FromResult(Json(n switch
        {
            1 => Page("m1", $"{Base}/MedicationRequest?patient=p1&page=2"),
            2 => Page("m2", "MedicationRequest?patient=p1&page=3"), // relative next links resolve against the page URL
            _ => Page("m3"),
        })));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.True(result.Complete);
        Assert.Equal(["m1", "m2", "m3"], result.Value!.Resources.Select(r => r.Id));
        Assert.Equal(3, result.Pages);
        Assert.All(handler.Requests, r => Assert.Equal("Bearer tok-123", r.Headers.Authorization!.ToString()));
        Assert.Equal($"{Base}/MedicationRequest?patient=p1&page=3", handler.Requests[2].RequestUri!.AbsoluteUri);
    }

    [Fact]
    public async Task Paging_StopsAtTheCap_AndSaysSo()
    {
        var (client, handler, time, options) = Create((_, n, _) => Task.FromResult(Json(Page($"m{n}", $"{Base}/MedicationRequest?page={n + 1}"))),
            o => o.MaxPages = 2);
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.False(result.Complete);
        Assert.Equal(["m1", "m2"], result.Value!.Resources.Select(r => r.Id));
        Assert.Equal("more than 2 pages; only the first 2 were read", result.Problem);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Paging_NextLinkElsewhere_IsNotFollowed()
    {
        var (client, handler, time, options) = Create((_, _, _) => Task.FromResult(Json(Page("m1", "https://attacker.test/fhir/steal"))));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.False(result.Complete);
        Assert.Contains("not followed", result.Problem);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Paging_PrefetchedFirstPage_FetchesOnlyTheRest()
    {
        var (client, handler, time, options) = Create((_, _, _) => Task.FromResult(Json(Page("m2"))));
        using var budget = new FetchBudget(options.Budget, time, default);
        var first = (NaltrexoneFhir.Fhir.Model.Bundle)NaltrexoneFhir.Fhir.Json.FhirJson.ReadResource(Page("m1", $"{Base}/MedicationRequest?page=2"));
        var result = await client.FetchAsync(Search, first, false, null, _ => true, budget);
        Assert.Equal(["m1", "m2"], result.Value!.Resources.Select(r => r.Id));
        var request = Assert.Single(handler.Requests);
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task Paging_LaterPageFails_KeepsWhatWasRead()
    {
        var (client, _, time, options) = Create((_, n, _) => Task.FromResult(n == 1
            ? Json(Page("m1", $"{Base}/MedicationRequest?page=2"))
            : Json("{}", HttpStatusCode.InternalServerError)));
        using var budget = new FetchBudget(options.Budget, time, default);
        var result = await Fetch(client, budget);
        Assert.False(result.Complete);
        Assert.Equal(["m1"], result.Value!.Resources.Select(r => r.Id));
        Assert.Equal("FHIR server error (HTTP 500) on page 2", result.Problem);
    }
}
