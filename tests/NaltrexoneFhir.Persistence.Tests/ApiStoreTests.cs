using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NaltrexoneFhir.Api.Store;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>The store through the running API (hook calls, feedback, analytics), on each real engine, including outages.</summary>
public abstract class ApiStoreTests : IAsyncLifetime
{
    protected TestDatabase Db { get; private set; } = null!;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync() => Db = await CreateDatabaseAsync();

    public async Task DisposeAsync() => await Db.DisposeAsync();

    [Fact]
    public async Task HookInstanceWithControlCharacters_IsRefused_AndTheAuditGoesOn()
    {
        // PostgreSQL's text cannot hold U+0000: stored as sent, such a call's batch failed on every retry, and the
        // writer stored nothing more.
        await using var api = new StoreApiFactory(Db);
        var client = api.CreateClient();

        string[] hostiles = ["before\u0000after", "line\nbreak", "del\u007Fete", "next\u0085line"];   // C0, DEL, C1
        foreach (var hostile in hostiles)
        {
            var response = await client.PostAsync($"/cds-services/{SampleHook.Service}", SampleHook.Request(hostile));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("hookInstance must not contain control characters", await response.Content.ReadAsStringAsync());
        }
        await SampleHook.CallAsync(client, "after-the-refused-ones");
        await api.AuditSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = Db.Context();
        var stored = await db.HookCalls.OrderBy(h => h.StatusCode).Select(h => new { h.HookInstance, h.StatusCode }).ToListAsync();
        Assert.Equal([(200, "after-the-refused-ones"), .. hostiles.Select(_ => (400, (string?)null))],
            stored.Select(h => (h.StatusCode, h.HookInstance)).OrderBy(h => h.StatusCode).ToList());
    }

    [Fact]
    public async Task CallerTextTheStoreCannotHold_IsStoredReadably_AndTheAuditGoesOn()
    {
        // The token's tenant claim reaches the audit unchecked for U+0000 (the JWT's JSON may carry it).
        await using var api = new StoreApiFactory(Db);
        await using var withCaller = api.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddSingleton<ICallerIdentity>(new FixedCaller("https://ehr.example.org/iss\u0000", "tenant\u0000a"))));
        var client = withCaller.CreateClient();

        await SampleHook.CallAsync(client, "tenant-with-nul");
        await SampleHook.CallAsync(client, "and-the-next-call");
        await withCaller.Services.GetRequiredService<AuditQueue>().WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = Db.Context();
        var stored = await db.HookCalls.OrderBy(h => h.HookInstance).ToListAsync();
        Assert.Equal(["and-the-next-call", "tenant-with-nul"], stored.Select(h => h.HookInstance));
        Assert.All(stored, h => Assert.Equal("tenant\uFFFDa", h.Tenant));
        Assert.All(stored, h => Assert.Equal("https://ehr.example.org/iss\uFFFD", h.Issuer));
    }

    private sealed class FixedCaller(string issuer, string tenant) : ICallerIdentity
    {
        public (string? Issuer, string? Tenant) Current() => (issuer, tenant);
    }

    [Fact]
    public async Task HookCall_IsAudited_WithHashedPatient_DataOrigins_CardsAndSuggestions()
    {
        await using var api = new StoreApiFactory(Db);
        var client = api.CreateClient();
        var hookInstance = Guid.NewGuid().ToString();

        var response = await SampleHook.CallAsync(client, hookInstance);
        await api.AuditSettledAsync();

        await using var db = Db.Context();
        var call = await db.HookCalls.Include(h => h.Cards).ThenInclude(c => c.Suggestions).SingleAsync();
        Assert.Equal(SampleHook.Service, call.ServiceId);
        Assert.Equal("order-sign", call.Hook);
        Assert.Equal(hookInstance, call.HookInstance);
        Assert.Equal(200, call.StatusCode);
        Assert.True(call.LatencyMs > 0);
        Assert.Null(call.Issuer);   // no client authentication yet
        Assert.Equal(StoreApiFactory.ExpectedHash(SampleHook.PatientId), call.PatientHash);
        Assert.Equal(AuditBehavior.IsoWeek(call.ReceivedAt), call.IsoWeek);

        Assert.NotEmpty(call.Data);
        Assert.All(call.Data, d => Assert.Equal(DataOrigins.Prefetch, d.Origin));
        Assert.Contains(call.Data, d => d.DataKey == "liverLabs" && d.State == "provided");

        var cards = response.GetProperty("cards").EnumerateArray().ToList();
        Assert.Equal(
            cards.Select(c => (c.GetProperty("uuid").GetString()!, c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()!, c.GetProperty("indicator").GetString()!)).Order(),
            call.Cards.Select(c => (c.CardUuid, c.Concern, c.Indicator)).Order());
        var suggestionUuids = cards.SelectMany(c => c.TryGetProperty("suggestions", out var s) ? s.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(s => s.GetProperty("uuid").GetString()!).Order().ToList();
        Assert.NotEmpty(suggestionUuids);
        Assert.Equal(suggestionUuids, call.Cards.SelectMany(c => c.Suggestions).Select(s => s.SuggestionUuid).Order());
        Assert.Contains(call.Cards.SelectMany(c => c.Suggestions), s => s.Kind == "create ServiceRequest 24325-3");
    }

    [Fact]
    public async Task PatientId_IsNeverStoredInClear()
    {
        await using (var api = new StoreApiFactory(Db))
        {
            await SampleHook.CallAsync(api.CreateClient());
            await api.AuditSettledAsync();
        }

        await using var db = Db.Context();
        var text = JsonSerializer.Serialize(new
        {
            calls = await db.HookCalls.ToListAsync(),
            cards = await db.IssuedCards.ToListAsync(),
            suggestions = await db.IssuedSuggestions.ToListAsync(),
        });
        Assert.Contains(StoreApiFactory.ExpectedHash(SampleHook.PatientId), text);
        Assert.DoesNotContain(SampleHook.PatientId, text);
    }

    [Fact]
    public async Task RejectedAndFailedPreconditionCalls_AreAuditedToo()
    {
        // Strict data-failure policy: data that cannot be obtained answers 412 (the default is a data-unavailable card).
        await using var api = new StoreApiFactory(Db, new() { ["FhirServer:DataFailurePolicy"] = "Strict" });
        var client = api.CreateClient();
        var bad = await client.PostAsync($"/cds-services/{SampleHook.Service}", SampleHook.Json("""{"hook":"order-sign"}"""));
        var noPrefetch = await client.PostAsync($"/cds-services/{SampleHook.Service}", SampleHook.Json(
            """{"hook":"order-sign","hookInstance":"d0f6f7a4-1b1e-4c43-9a44-0d6f8a1b2c3d","context":{"userId":"Practitioner/1","patientId":"p-412","draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"n1","status":"draft","intent":"order","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1483744"}],"text":"naltrexone 50 MG Oral Tablet"},"subject":{"reference":"Patient/p-412"}}}]}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, noPrefetch.StatusCode);
        await api.AuditSettledAsync();

        await using var db = Db.Context();
        var calls = await db.HookCalls.ToListAsync();
        var rejected = Assert.Single(calls, c => c.StatusCode == 400);
        Assert.Null(rejected.PatientHash);
        var failed = Assert.Single(calls, c => c.StatusCode == 412);
        Assert.Equal(StoreApiFactory.ExpectedHash("p-412"), failed.PatientHash);
        Assert.Contains(failed.Data, d => d.Origin == DataOrigins.Unavailable && d.State == "absent");
        Assert.Empty(await db.IssuedCards.ToListAsync());
    }

    [Fact]
    public async Task Feedback_IsStoredOnce_LinkedToTheIssuedCard_UnknownCardsFlagged()
    {
        await using var api = new StoreApiFactory(Db);
        var client = api.CreateClient();
        var response = await SampleHook.CallAsync(client);
        await api.AuditSettledAsync();
        var card = response.GetProperty("cards")[0];
        var cardUuid = card.GetProperty("uuid").GetString();
        var suggestion = card.GetProperty("suggestions")[0].GetProperty("uuid").GetString();
        var body = $$"""
            {"feedback":[
              {"card":"{{cardUuid}}","outcome":"accepted","acceptedSuggestions":[{"id":"{{suggestion}}"}],"outcomeTimestamp":"2026-11-22T10:05:31Z"},
              {"card":"urn:uuid:{{cardUuid!.ToUpperInvariant()}}","outcome":"overridden","overrideReason":{"reason":{"code":"will-monitor","system":"urn:naltrexone-cds:override-reason"},"userComment":"ALT repeat booked"},"outcomeTimestamp":"2026-11-22T10:06:00Z"},
              {"card":"8d2b1c9e-0000-4000-8000-000000000001","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:07:00Z"}
            ]}
            """;

        var first = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(body));
        var second = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(body));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(new FeedbackResponse(3, 3, 0, 1), await first.Content.ReadFromJsonAsync<FeedbackResponse>());
        Assert.Equal(new FeedbackResponse(3, 0, 3, 0), await second.Content.ReadFromJsonAsync<FeedbackResponse>());
        await using var db = Db.Context();
        var rows = await db.Feedback.Include(f => f.AcceptedSuggestions).OrderBy(f => f.OutcomeAt).ToListAsync();
        Assert.Equal([true, true, false], rows.Select(r => r.CardKnown));
        Assert.Equal(cardUuid, rows[1].CardUuid);   // urn:uuid: prefix and case normalised
        Assert.Equal("will-monitor", rows[1].ReasonCode);
        Assert.Null(rows[1].ReasonDisplay);         // the sandbox sends no display: accepted as is
        Assert.Equal([suggestion], rows[0].AcceptedSuggestions.Select(s => s.SuggestionUuid));
    }

    [Fact]
    public async Task FeedbackWithU0000_IsRefusedAs400_NotRetriedAs503()
    {
        // PostgreSQL's text cannot hold U+0000: such feedback failed in the store and was answered 503 ("try again"),
        // which an EHR would do for good.
        await using var api = new StoreApiFactory(Db);
        var client = api.CreateClient();
        string Entry(string card, string comment) =>
            $$"""{"feedback":[{"card":"{{card}}","outcome":"overridden","overrideReason":{"reason":{"code":"will-monitor","system":"urn:naltrexone-cds:override-reason"},"userComment":"{{comment}}"},"outcomeTimestamp":"2026-11-22T10:06:00Z"}]}""";

        var inComment = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(Entry("c0ffee00-0000-4000-8000-000000000002", "ALT \\u0000 repeat")));
        var inCard = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(Entry("c0ffee00-\\u0000", "fine")));
        var multiline = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(Entry("c0ffee00-0000-4000-8000-000000000003", "line one\\nline two")));

        static async Task<string> Issues(HttpResponseMessage r) => string.Join(" | ",
            (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issue").EnumerateArray().Select(i => i.GetProperty("diagnostics").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, inComment.StatusCode);
        Assert.Contains("feedback[0].overrideReason.userComment must not contain U+0000", await Issues(inComment));
        Assert.Equal(HttpStatusCode.BadRequest, inCard.StatusCode);
        Assert.Contains("feedback[0].card must not contain U+0000", await Issues(inCard));
        Assert.Equal(HttpStatusCode.OK, multiline.StatusCode);
        await using var db = Db.Context();
        Assert.Equal(["line one\nline two"], await db.Feedback.Select(f => f.UserComment).ToListAsync());
    }

    [Fact]
    public async Task DatabaseRestart_DuringHookCalls_HooksKeepAnswering_AuditArrivesAfter_FeedbackAsksForRetry()
    {
        await using var api = new StoreApiFactory(Db);
        var client = api.CreateClient();
        var instances = new List<string>();
        for (var i = 0; i < 3; i++) { instances.Add(Guid.NewGuid().ToString()); await SampleHook.CallAsync(client, instances[^1]); }
        await api.AuditSettledAsync();

        await Db.TakeDownAsync();
        for (var i = 0; i < 5; i++) { instances.Add(Guid.NewGuid().ToString()); await SampleHook.CallAsync(client, instances[^1]); }   // asserts 200
        var feedback = """{"feedback":[{"card":"c0ffee00-0000-4000-8000-000000000001","outcome":"overridden","outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""";
        var during = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(feedback));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.NotNull(during.Headers.RetryAfter);
        Assert.Contains("OperationOutcome", await during.Content.ReadAsStringAsync());
        Assert.True(api.Queue.Backlog > 0);

        await Db.BringBackAsync();
        await api.AuditSettledAsync();

        await using (var db = Db.Context())
            Assert.Equal(instances.Order(), (await db.HookCalls.Select(h => h.HookInstance!).ToListAsync()).Order());
        // The client retries (503 means nothing was stored); the first attempts after a restart may still meet stale pooled connections.
        HttpResponseMessage after = during;
        for (var attempt = 0; attempt < 5 && after.StatusCode != HttpStatusCode.OK; attempt++)
            after = await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(feedback));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        await using (var db = Db.Context())
            Assert.Equal(1, await db.Feedback.CountAsync());
    }

    [Fact]
    public async Task Shutdown_FlushesQueuedAuditRecords()
    {
        // Retry delays longer than the test: after a failed write the writer sleeps, so only shutdown can flush.
        var api = new StoreApiFactory(Db, new() { ["Audit:MinRetryDelay"] = "00:10:00", ["Audit:MaxRetryDelay"] = "00:10:00" });
        using var failures = new MeasurementWaiter(api, "naltrexone.audit.write_failures");
        var client = api.CreateClient();
        await Db.TakeDownAsync();
        for (var i = 0; i < 4; i++) await SampleHook.CallAsync(client);
        await failures.FirstAsync();
        await Db.BringBackAsync();
        Assert.Equal(4, api.Queue.Backlog);

        await api.DisposeAsync();   // stops the host: the writer's wait is cut short and the queue drained

        await using var db = Db.Context();
        Assert.Equal(4, await db.HookCalls.CountAsync());
    }

    [Fact]
    public async Task FullQueue_WhileTheDatabaseIsDown_DropsAndCountsRecords_HooksStillAnswer()
    {
        await using var api = new StoreApiFactory(Db, new() { ["Audit:QueueCapacity"] = "16", ["Audit:BatchSize"] = "1" });
        using var dropped = new MeasurementWaiter(api, "naltrexone.audit.dropped");
        using var enqueued = new MeasurementWaiter(api, "naltrexone.audit.enqueued");
        var client = api.CreateClient();
        await Db.TakeDownAsync();

        for (var i = 0; i < 25; i++) await SampleHook.CallAsync(client);   // every call answers 200

        Assert.True(dropped.Total >= 25 - 16 - 1, $"dropped {dropped.Total}");   // 16 queued + at most 1 in the writer's hands
        Assert.Equal(25, dropped.Total + enqueued.Total);
        await Db.BringBackAsync();
        await api.AuditSettledAsync();
        await using var db = Db.Context();
        Assert.Equal(enqueued.Total, await db.HookCalls.CountAsync());
    }

    [Fact]
    public async Task RecordTheDatabaseRefuses_IsDroppedAndCounted_TheRestOfItsBatchIsStored()
    {
        // A record that breaks a constraint would fail its batch on every retry and hold up every record after it.
        await using var api = new StoreApiFactory(Db, new() { ["Audit:FlushInterval"] = "00:00:00.300" });
        using var dropped = new MeasurementWaiter(api, "naltrexone.audit.dropped");
        var client = api.CreateClient();
        await SampleHook.CallAsync(client, "first");
        await api.AuditSettledAsync();
        string storedCard;
        await using (var db = Db.Context()) storedCard = await db.IssuedCards.Select(c => c.CardUuid).FirstAsync();

        // The same card uuid again: the issued-card key refuses it, on both engines. Queued with two good calls, so
        // that (the writer lets records gather for 300 ms) they share its batch.
        var duplicate = StoreData.HookCall(DateTimeOffset.UtcNow, (storedCard, "hepatotoxicity"));
        await SampleHook.CallAsync(client, "before");
        Assert.True(api.Queue.TryEnqueue(QueuedHookCall.Encode(duplicate)));
        await SampleHook.CallAsync(client, "after");
        await api.AuditSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, dropped.Total);
        Assert.Equal(0, api.Queue.Backlog);
        await using var check = Db.Context();
        Assert.Equal(["after", "before", "first"], await check.HookCalls.OrderBy(h => h.HookInstance).Select(h => h.HookInstance).ToListAsync());
        Assert.False(await check.HookCalls.AnyAsync(h => h.Id == duplicate.Id));
    }

    [Fact]
    public async Task UnreadableQueuedRecord_IsDroppedAndCounted_TheWriterGoesOn()
    {
        await using var api = new StoreApiFactory(Db);
        using var dropped = new MeasurementWaiter(api, "naltrexone.audit.dropped");
        var client = api.CreateClient();
        var queue = api.Services.GetRequiredService<AuditQueue>();

        Assert.True(queue.TryEnqueue(QueuedHookCall.FromBytes([0x01, 0x02, 0x03])));
        await SampleHook.CallAsync(client);
        await api.AuditSettledAsync();

        Assert.Equal(1, dropped.Total);
        await using var db = Db.Context();
        Assert.Equal(1, await db.HookCalls.CountAsync());
        Assert.Equal(0, queue.Backlog);
    }

    [Fact]
    public async Task Analytics_JsonAndPage_ReportWhatClinciansDid()
    {
        await using var api = new StoreApiFactory(Db);
        var client = api.CreateClient();
        var response = await SampleHook.CallAsync(client);
        await api.AuditSettledAsync();
        var cards = response.GetProperty("cards").EnumerateArray().ToList();
        var hepato = cards.Single(c => c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString() == "hepatotoxicity");
        var feedback = $$$"""{"feedback":[{"card":"{{{hepato.GetProperty("uuid").GetString()}}}","outcome":"overridden","overrideReason":{"reason":{"system":"urn:naltrexone-cds:override-reason","code":"will-monitor"}},"outcomeTimestamp":"2026-11-22T10:05:31Z"}]}""";
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/cds-services/{SampleHook.Service}/feedback", SampleHook.Json(feedback))).StatusCode);
        var week = AuditBehavior.IsoWeek(DateTimeOffset.UtcNow);

        var json = await client.GetFromJsonAsync<JsonElement>($"/analytics/cards?from={week}&to={week}");

        Assert.Equal(cards.Count, json.GetProperty("total").GetProperty("shown").GetInt32());
        var concern = json.GetProperty("concerns").EnumerateArray().Single(c => c.GetProperty("concern").GetString() == "hepatotoxicity");
        var stats = concern.GetProperty("weeks")[0];
        Assert.Equal(week, stats.GetProperty("week").GetString());
        Assert.Equal(1, stats.GetProperty("shown").GetInt32());
        Assert.Equal(1, stats.GetProperty("overridden").GetInt32());
        Assert.Equal(1.0, stats.GetProperty("overrideRate").GetDouble());
        var reason = stats.GetProperty("topOverrideReasons")[0];
        Assert.Equal("Will monitor closely", reason.GetProperty("display").GetString());   // display filled in from the card's own reasons
        Assert.Equal(1, concern.GetProperty("suggestions")[0].GetProperty("offered").GetInt32());

        var page = await client.GetAsync($"/analytics?from={week}&to={week}");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<svg", html);
        Assert.Contains("Hepatotoxicity risk", html);
        Assert.Contains("Will monitor closely (1)", html);
        Assert.DoesNotContain(SampleHook.PatientId, html);
    }

    /// <summary>Listens to one instrument of this host's meter (the scope keeps parallel test hosts apart).</summary>
    private sealed class MeasurementWaiter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _total;

        public MeasurementWaiter(StoreApiFactory api, string instrument)
        {
            var scope = api.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == AuditQueue.MeterName && ReferenceEquals(i.Meter.Scope, scope) && i.Name == instrument) l.EnableMeasurementEvents(i);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => { Interlocked.Add(ref _total, value); _first.TrySetResult(); });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public Task FirstAsync() => _first.Task.WaitAsync(TimeSpan.FromSeconds(60));

        public void Dispose() => _listener.Dispose();
    }
}

public sealed class SqliteApiStoreTests : ApiStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresApiStoreTests(PostgresServer server) : ApiStoreTests
{
    protected override async Task<TestDatabase> CreateDatabaseAsync() => await PostgresTestDatabase.CreateAsync(server);
}
