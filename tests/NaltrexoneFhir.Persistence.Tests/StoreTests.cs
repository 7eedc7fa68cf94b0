using NaltrexoneFhir.Api.Store;
using Microsoft.EntityFrameworkCore;
using NaltrexoneFhir.Persistence.Tests.Infrastructure;

namespace NaltrexoneFhir.Persistence.Tests;

/// <summary>Feedback idempotency, linking, audit writes and analytics aggregates, on each real engine.</summary>
public abstract class StoreTests : MigratedDatabaseTests
{
    private static readonly DateTimeOffset Nov18 = new(2026, 11, 18, 9, 0, 0, TimeSpan.Zero);   // 2026-W47

    private FeedbackStore Feedback => new(Db.Contexts());
    private AuditStore Audit => new(Db.Contexts());

    [Fact]
    public async Task SameEntryTwice_IsStoredOnce()
    {
        await Audit.WriteAsync([StoreData.HookCall(Nov18, ("card-a", "hepatotoxicity"))], false, default);

        var first = await Feedback.SaveAsync([StoreData.Override("card-a", "will-monitor", "watching ALT")], default);
        var second = await Feedback.SaveAsync([StoreData.Override("card-a", "will-monitor", "watching ALT")], default);

        Assert.Equal(new FeedbackSaveResult(1, 0, 0), first);
        Assert.Equal(new FeedbackSaveResult(0, 1, 0), second);
        await using var db = Db.Context();
        var row = Assert.Single(await db.Feedback.ToListAsync());
        Assert.True(row.CardKnown);
        Assert.Equal("watching ALT", row.UserComment);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 5, 31, TimeSpan.Zero), row.OutcomeAt);
    }

    [Fact]
    public async Task SameTimestampWrittenDifferently_IsTheSameEntry_ButADifferentReasonIsNot()
    {
        var a = StoreData.Override("card-a", "will-monitor", at: new DateTimeOffset(2026, 11, 20, 10, 5, 31, TimeSpan.Zero));
        var b = StoreData.Override("card-a", "will-monitor", at: new DateTimeOffset(2026, 11, 20, 11, 5, 31, TimeSpan.FromHours(1)));   // same instant
        var c = StoreData.Override("card-a", "benefit-outweighs-risk");

        var saved = await Feedback.SaveAsync([a, b, c], default);

        Assert.Equal(new FeedbackSaveResult(2, 1, 2), saved);
    }

    [Fact]
    public async Task ConcurrentDuplicateFeedback_NoDuplicates_NoneLost()
    {
        // 8 clients at once, each posting the same 10 shared entries plus 3 of its own.
        var shared = Enumerable.Range(0, 10).Select(i => $"shared-{i}").ToList();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(client => Task.Run(() =>
        {
            var rows = shared.Select(card => StoreData.Override(card, "will-monitor"))
                .Concat(Enumerable.Range(0, 3).Select(i => StoreData.Accept($"own-{client}-{i}", $"own-{client}-{i}-s1")))
                .ToList();
            return Feedback.SaveAsync(rows, default);
        })));

        Assert.Equal(10 + 8 * 3, results.Sum(r => r.Stored));
        Assert.Equal(8 * 13 - (10 + 8 * 3), results.Sum(r => r.Duplicates));
        await using var db = Db.Context();
        var cards = await db.Feedback.Select(f => f.CardUuid).ToListAsync();
        Assert.Equal(10 + 8 * 3, cards.Count);
        Assert.Equal(cards.Count, cards.Distinct().Count());
        Assert.Equal(8 * 3, await db.FeedbackSuggestions.CountAsync());
    }

    [Fact]
    public async Task FeedbackForAnUnknownCard_IsStoredFlagged_AndLinkedWhenTheCardsAuditArrives()
    {
        var saved = await Feedback.SaveAsync([StoreData.Override("card-late", "data-outdated"), StoreData.Override("card-never", null)], default);
        Assert.Equal(new FeedbackSaveResult(2, 0, 2), saved);

        // The audit record of the card that was shown arrives later (the audit queue is asynchronous).
        await Audit.WriteAsync([StoreData.HookCall(Nov18, ("card-late", "recent-opioid-use"))], false, default);

        await using var db = Db.Context();
        var known = await db.Feedback.OrderBy(f => f.CardUuid).Select(f => new { f.CardUuid, f.CardKnown }).ToListAsync();
        Assert.Equal([("card-late", true), ("card-never", false)], known.Select(k => (k.CardUuid, k.CardKnown)));
    }

    [Fact]
    public async Task FeedbackForACardOfAnotherService_IsFlagged()
    {
        await Audit.WriteAsync([StoreData.HookCall(Nov18, ("card-a", "hepatotoxicity"))], false, default);
        var row = StoreData.Override("card-a", "will-monitor");
        row.ServiceId = "naltrexone-patient-view";

        Assert.Equal(new FeedbackSaveResult(1, 0, 1), await Feedback.SaveAsync([row], default));
    }

    [Fact]
    public async Task RetriedAuditBatch_AfterALostCommitReply_IsNotDuplicated()
    {
        var batch = new[] { StoreData.HookCall(Nov18, ("card-a", "hepatotoxicity")), StoreData.HookCall(Nov18, ("card-b", "opioid-coprescription")) };
        Assert.Equal(2, await Audit.WriteAsync(batch, false, default));

        var again = new[] { batch[0], batch[1], StoreData.HookCall(Nov18, ("card-c", "hepatotoxicity")) };
        Assert.Equal(1, await Audit.WriteAsync(again, isRetry: true, default));

        await using var db = Db.Context();
        Assert.Equal(3, await db.HookCalls.CountAsync());
        Assert.Equal(3, await db.IssuedCards.CountAsync());
        Assert.All(await db.HookCalls.ToListAsync(), h => Assert.Equal(batch[0].Data, h.Data));
    }

    [Fact]
    public async Task AuditRows_AreStoredAsEfStoresThem()
    {
        // The store inserts audit rows itself (on SQLite through prepared statements bound directly); EF reads them,
        // and the analytics and feedback queries compare them, so each value must be the bytes EF would have written:
        // the same call written both ways, read back column by column as the engine returns them.
        var call = StoreData.HookCall(new DateTimeOffset(2026, 11, 18, 10, 0, 0, 123, TimeSpan.FromHours(2)), ("card-é-1", "hepatotoxicity"), ("card-2", "opioid-coprescription"));
        (call.Issuer, call.Tenant, call.LatencyMs) = ("https://ehr.example.org/fhir", "Hôpital 北京 🏥", 0.1 + 0.2);
        call.Cards[1].Suggestions.Clear();

        await Audit.WriteAsync([call], false, default);
        var byStore = await RawRowsAsync();
        await using (var db = Db.Context())
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM issued_suggestion; DELETE FROM issued_card; DELETE FROM hook_call;");
            db.HookCalls.Add(call);
            await db.SaveChangesAsync();
        }
        var byEf = await RawRowsAsync();

        Assert.Equal(3, byStore.Count);
        Assert.Equal(4, byStore.Sum(table => table.Count));   // a call, two cards, one suggestion
        for (var t = 0; t < byEf.Count; t++) Assert.Equal(byEf[t], byStore[t]);
    }

    [Fact]
    public async Task EachCallsDataOrigins_AreStored_WhenCallsShareOneListOrNot()
    {
        // The store writes a list's JSON once while consecutive calls give the same list (the audit queue's decoder
        // does); a call with other origins between them must still get its own.
        var shared = StoreData.HookCall(Nov18).Data;
        var calls = Enumerable.Range(0, 4).Select(i => StoreData.HookCall(Nov18.AddSeconds(i))).ToList();
        calls[0].Data = shared;
        calls[1].Data = shared;
        calls[2].Data = [new HookCallData("liverLabs", DataOrigins.Unavailable, "operation-outcome")];
        calls[3].Data = shared;

        await Audit.WriteAsync(calls, false, default);

        await using var db = Db.Context();
        var stored = await db.HookCalls.ToDictionaryAsync(h => h.Id, h => h.Data);
        Assert.All(calls, call => Assert.Equal(call.Data, stored[call.Id]));
    }

    [Fact]
    public async Task CallTheEngineCannotStore_IsRefusedAsData_NotAFailureToRetry()
    {
        // A latency that is not a number: PostgreSQL stores NaN; SQLite stores it as NULL, which the column refuses.
        // Either way the writer must not see a failure it would retry for good (it drops refused data, counted).
        var call = StoreData.HookCall(Nov18, ("card-nan", "hepatotoxicity"));
        call.LatencyMs = double.NaN;

        var error = await Record.ExceptionAsync(() => Audit.WriteAsync([call], false, default));

        if (error is not null) Assert.True(AuditStore.IsRefusedData(error), $"{error.GetType().Name}: {error.Message}");
        else
        {
            await using var db = Db.Context();
            Assert.True(double.IsNaN(Assert.Single(await db.HookCalls.ToListAsync()).LatencyMs));
        }
    }

    /// <summary>Every audit row as the engine returns its values (SQLite: the storage class's .NET type), per table.</summary>
    private async Task<List<List<string>>> RawRowsAsync()
    {
        await using var db = Db.Context();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<List<string>>();
        foreach (var table in new[] { "hook_call", "issued_card", "issued_suggestion" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY 1";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
                rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i =>
                    $"{reader.GetName(i)}={reader.GetValue(i) switch { DateTime d => d.ToString("O"), double x => x.ToString("R"), var v => v }} ({reader.GetValue(i).GetType().Name})")));
            tables.Add(rows);
        }
        return tables;
    }

    [Fact]
    public async Task LargeBatch_EveryCallCardAndSuggestion_IsStoredUnderItsParent()
    {
        // 300 calls of two cards each: on PostgreSQL (250 rows a statement) the cards fill a statement before the calls
        // do, so the calls written so far must go first (foreign keys); on SQLite every row is its own statement.
        var batch = Enumerable.Range(0, 300)
            .Select(i => StoreData.HookCall(Nov18.AddSeconds(i), ($"c{i}-a", "hepatotoxicity"), ($"c{i}-b", "opioid-coprescription")))
            .ToList();

        Assert.Equal(300, await Audit.WriteAsync(batch, false, default));

        await using var db = Db.Context();
        var calls = await db.HookCalls.Include(h => h.Cards).ThenInclude(c => c.Suggestions).ToListAsync();
        Assert.Equal(300, calls.Count);
        Assert.All(calls, stored =>
        {
            var written = batch.Single(b => b.Id == stored.Id);
            Assert.Equal(written.Cards.Select(c => c.CardUuid).Order(), stored.Cards.Select(c => c.CardUuid).Order());
            Assert.All(stored.Cards, c => Assert.Equal(c.CardUuid + "-s1", Assert.Single(c.Suggestions).SuggestionUuid));
            Assert.Equal(written.Data, stored.Data);
        });
    }

    [Fact]
    public async Task BatchReadOneCallAtATime_KeepsNoneOfTheCallsItWrote_AndSkipsOneItCannotProduce()
    {
        var source = new TrackedBatch(Enumerable.Range(0, 40).Select(i => i == 7 ? null : StoreData.HookCall(Nov18.AddSeconds(i), ($"k{i}", "hepatotoxicity"))).ToList());

        Assert.Equal(39, await Audit.WriteAsync(source, false, default));

        Assert.Equal(Enumerable.Range(0, 40), source.Reads);   // each call read once, in order
        Assert.Equal(0, source.AliveWhenRead);                 // no call older than the previous one was still held by the store
        await using var db = Db.Context();
        Assert.Equal(39, await db.HookCalls.CountAsync());
        Assert.Equal(39, await db.IssuedSuggestions.CountAsync());
    }

    /// <summary>
    /// Produces a fresh copy of each call when asked, and checks, before producing call <c>i</c>, whether any call
    /// up to <c>i - 2</c> is still alive after a full GC: the store may hold the one it just wrote, no more.
    /// </summary>
    private sealed class TrackedBatch(List<HookCallRow?> calls) : IHookCallBatch
    {
        private readonly List<WeakReference> _produced = [];
        public List<int> Reads { get; } = [];
        public int AliveWhenRead { get; private set; }
        public int Count => calls.Count;

        public HookCallRow? Read(int index)
        {
            Reads.Add(index);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            AliveWhenRead += _produced.Take(Math.Max(0, _produced.Count - 1)).Count(w => w.IsAlive);
            if (calls[index] is not { } call) return null;
            var copy = QueuedHookCall.Encode(call).Decode();
            _produced.Add(new WeakReference(copy));
            return copy;
        }
    }

    [Fact]
    public async Task Analytics_CountsPerConcernAndWeek()
    {
        var w46 = new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.Zero);
        var w47 = Nov18;
        await Audit.WriteAsync(
        [
            StoreData.HookCall(w46, ("h1", "hepatotoxicity"), ("o1", "opioid-coprescription")),
            StoreData.HookCall(w46, ("h2", "hepatotoxicity")),
            StoreData.HookCall(w47, ("h3", "hepatotoxicity"), ("o2", "opioid-coprescription")),
            StoreData.HookCall(w47, ("h4", "hepatotoxicity")),
            StoreData.HookCall(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), ("old", "hepatotoxicity")),   // outside the window
        ], false, default);
        await Feedback.SaveAsync(
        [
            StoreData.Override("h1", "will-monitor"),
            StoreData.Override("h1", "will-monitor", "again, later", new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero)),   // same card twice: counted once
            StoreData.Override("h2", "benefit-outweighs-risk"),
            StoreData.Override("h3", "will-monitor"),
            StoreData.Accept("h4", "h4-s1"),
            StoreData.Accept("o1", "o1-s1"),
            StoreData.Accept("o2", "not-a-suggestion-of-o2"),
            StoreData.Override("old", "will-monitor"),
            StoreData.Override("ghost", "will-monitor"),
        ], default);

        var data = await new CardAnalyticsQuery(Db.Contexts()).LoadAsync(
            new DateTimeOffset(2026, 11, 9, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), default);

        Assert.Equal(
            [("hepatotoxicity", "2026-W46", 2, 2), ("hepatotoxicity", "2026-W47", 2, 2), ("opioid-coprescription", "2026-W46", 1, 1), ("opioid-coprescription", "2026-W47", 1, 1)],
            data.Shown.Select(s => (s.Concern, s.IsoWeek, s.Shown, s.SuggestionsOffered)).Order());
        Assert.Equal(
            [("hepatotoxicity", "2026-W46", "overridden", 2), ("hepatotoxicity", "2026-W47", "accepted", 1), ("hepatotoxicity", "2026-W47", "overridden", 1),
             ("opioid-coprescription", "2026-W46", "accepted", 1), ("opioid-coprescription", "2026-W47", "accepted", 1)],
            data.Outcomes.Select(o => (o.Concern, o.IsoWeek, o.Outcome, o.Cards)).Order());
        Assert.Equal(
            [("hepatotoxicity", "2026-W46", "benefit-outweighs-risk", 1), ("hepatotoxicity", "2026-W46", "will-monitor", 1), ("hepatotoxicity", "2026-W47", "will-monitor", 1)],
            data.OverrideReasons.Select(r => (r.Concern, r.IsoWeek, r.Code!, r.Cards)).Order());
        Assert.Equal(
            [("hepatotoxicity", "2026-W46", 0), ("hepatotoxicity", "2026-W47", 1), ("opioid-coprescription", "2026-W46", 1), ("opioid-coprescription", "2026-W47", 0)],
            data.Suggestions.Select(s => (s.Concern, s.IsoWeek, s.Accepted)).Order());
        Assert.Equal([("overridden", 1)], data.Unlinked.Select(u => (u.Outcome, u.Entries)));
    }
}

public sealed class SqliteStoreTests : StoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreTests
{
    protected override async Task<TestDatabase> CreateDatabaseAsync() => await PostgresTestDatabase.CreateAsync(server);
}
