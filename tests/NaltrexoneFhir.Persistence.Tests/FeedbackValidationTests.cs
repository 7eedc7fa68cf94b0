using System.Net;
using System.Text.Json;
using NaltrexoneFhir.Hooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;
using NaltrexoneFhir.Api.Tests.Support;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>The feedback parser on its own: strict on the spec's invariants, lenient where nothing is lost.</summary>
public sealed class FeedbackParserTests
{
    private static (IReadOnlyList<FeedbackEntry>? Entries, IReadOnlyList<RequestIssue> Issues) Parse(string json) =>
        FeedbackParser.Parse(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void SandboxOverride_WithoutDisplay_IsAccepted()
    {
        var (entries, issues) = Parse("""{"feedback":[{"card":"9c1c5e2a-3f5b-4d1e-9a8e-1f2b3c4d5e6f","outcome":"overridden","overrideReason":{"reason":{"code":"will-monitor","system":"urn:naltrexone-cds:override-reason"}},"outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""");

        Assert.Empty(issues);
        var e = Assert.Single(entries!);
        Assert.Equal(new FeedbackReason("urn:naltrexone-cds:override-reason", "will-monitor", null, null), e.OverrideReason);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 5, 31, TimeSpan.Zero), e.OutcomeTimestamp);
    }

    [Fact]
    public void LenientForms_AreNormalised()
    {
        var (entries, issues) = Parse("""{"feedback":[{"card":"urn:uuid:9C1C5E2A-3F5B-4D1E-9A8E-1F2B3C4D5E6F","outcome":"Overridden","overrideReason":{},"outcomeTimestamp":"2026-11-22T11:05:31+01:00","extension":{"x":1}}]}""");

        Assert.Empty(issues);
        var e = Assert.Single(entries!);
        Assert.Equal("9c1c5e2a-3f5b-4d1e-9a8e-1f2b3c4d5e6f", e.Card);
        Assert.Equal("overridden", e.Outcome);
        Assert.Null(e.OverrideReason);
        Assert.Equal(TimeSpan.Zero, e.OutcomeTimestamp.Offset);
        Assert.Equal(10, e.OutcomeTimestamp.Hour);
    }

    [Theory]
    [InlineData("""{"feedback":[]}""", "feedback")]
    [InlineData("""{"fedback":[]}""", "feedback")]
    [InlineData("""[1]""", null)]
    [InlineData("""{"feedback":[{"outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""", "feedback[0].card")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"ignored","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""", "feedback[0].outcome")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"accepted","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""", "feedback[0].acceptedSuggestions")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"accepted","acceptedSuggestions":[{}],"outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""", "feedback[0].acceptedSuggestions[0].id")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"yesterday"}]}""", "feedback[0].outcomeTimestamp")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-22"}]}""", "feedback[0].outcomeTimestamp")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z","overrideReason":{"reason":{"system":"s"}}}]}""", "feedback[0].overrideReason.reason.code")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z","overrideReason":"no"}]}""", "feedback[0].overrideReason")]
    [InlineData("""{"feedback":[{"card":7,"outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""", "feedback[0].card")]
    public void Invalid_IsRejected_NamingTheElement(string json, string? expression)
    {
        var (entries, issues) = Parse(json);

        Assert.Null(entries);
        Assert.NotEmpty(issues);
        if (expression is not null) Assert.Contains(issues, i => i.Expression == expression);
    }

    [Fact]
    public void OneBadEntry_RejectsTheWholeRequest()
    {
        var (entries, issues) = Parse("""{"feedback":[{"card":"a","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z"},{"card":"b","outcome":"x","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""");
        Assert.Null(entries);
        Assert.Equal("feedback[1].outcome", Assert.Single(issues).Expression);
    }

    [Fact]
    public void OverlongComment_IsRejected()
    {
        var json = JsonSerializer.Serialize(new { feedback = new[] { new { card = "c", outcome = "overridden", outcomeTimestamp = "2026-11-22T10:05:31Z", overrideReason = new { userComment = new string('x', 5000) } } } });
        var (_, issues) = Parse(json);
        Assert.Equal("too-costly", Assert.Single(issues).Code);
    }
}

/// <summary>The feedback and analytics endpoints' error answers (SQLite: the engine does not matter here).</summary>
public sealed class FeedbackEndpointErrorTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _db = SqliteTestDatabase.Create();
    private StoreApiFactory _api = null!;

    public Task InitializeAsync()
    {
        _api = new StoreApiFactory(_db);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"feedback":[{"card":"c","outcome":"nope","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"feedback":""", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task BadBody_Is4xx_WithAnOperationOutcome(string body, HttpStatusCode expected)
    {
        var response = await _api.CreateClient().PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(body));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"OperationOutcome\"", await response.Content.ReadAsStringAsync());
        await using var db = _db.Context();
        Assert.Empty(db.Feedback);
    }

    [Fact]
    public async Task UnknownService_Is404()
    {
        var response = await _api.CreateClient().PostAsync("/cds-services/nope/feedback",
            SampleHook.Json("""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}"""));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/analytics/cards?from=2026-W60")]
    [InlineData("/analytics/cards?weeks=0")]
    [InlineData("/analytics/cards?from=2026-W47&to=2026-W40")]
    [InlineData("/analytics?weeks=abc")]
    public async Task BadAnalyticsWindow_Is400(string url)
    {
        var response = await _api.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"OperationOutcome\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EmptyStore_AnalyticsPage_Renders()
    {
        var html = await _api.CreateClient().GetStringAsync("/analytics");
        Assert.Contains("No cards were shown in this period.", html);
        Assert.Contains("<svg", html);
    }
}

/// <summary>Start-up rules for the patient-id key.</summary>
public sealed class PatientIdKeyTests
{
    private sealed class ProductionFactory(TestDatabase db, string? key) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            // Production also requires a trusted CDS client issuer (JWT verification); give it one so only the key is missing.
            builder.UseSetting("Security:PublicBaseUrl", "https://cds.example.org");
            builder.UseSetting("Security:Issuers:0:Issuer", "https://ehr.example.org");
            builder.UseSetting("Security:Issuers:0:JwksUrl", "https://ehr.example.org/.well-known/jwks.json");
            foreach (var (k, v) in db.AppSettings()) builder.UseSetting(k, v);
            builder.UseSetting("Audit:PatientIdHmacKey", key);
        }
    }

    [Theory]
    [InlineData(null, "Audit:PatientIdHmacKey is required outside Development")]
    [InlineData("c2hvcnQ=", "base64 of at least 32 bytes")]
    public async Task Production_WithoutAUsableKey_DoesNotStart(string? key, string message)
    {
        await using var db = SqliteTestDatabase.Create();
        var ex = StartupFailure.Of(() => new ProductionFactory(db, key));
        Assert.Contains(message, ex.ToString());
    }

    [Fact]
    public async Task Development_WithoutKey_GeneratesOne_AndKeepsItAcrossRestarts()
    {
        await using var db = SqliteTestDatabase.Create();
        string Hash()
        {
            using var api = new StoreApiFactory(db, new() { ["Audit:PatientIdHmacKey"] = null });
            return api.Services.GetRequiredService<NaltrexoneFhir.Api.Store.PatientIdHasher>().Hash("p1");
        }

        var first = Hash();
        Assert.True(File.Exists(Path.Combine(db.DataDirectory, NaltrexoneFhir.Api.Store.PatientIdHasher.DevelopmentKeyFile)));
        Assert.Equal(first, Hash());
        Assert.NotEqual(StoreApiFactory.ExpectedHash("p1"), first);
    }
}
