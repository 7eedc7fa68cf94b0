using Microsoft.EntityFrameworkCore;

namespace NaltrexoneFhir.Persistence;

public sealed record ShownCounts(string Concern, string IsoWeek, int Shown, int SuggestionsOffered);
public sealed record OutcomeCounts(string Concern, string IsoWeek, string Outcome, int Cards);
public sealed record FeedbackCoverage(string Concern, string IsoWeek, int CardsWithFeedback);
public sealed record ReasonCounts(string Concern, string IsoWeek, string? System, string? Code, string? Display, int Cards);
public sealed record SuggestionCounts(string Concern, string IsoWeek, string Kind, int Offered, int Accepted);
public sealed record UnlinkedFeedbackCounts(string Outcome, int Entries);

/// <summary>Aggregates for cards issued in [From, To), grouped by concern and ISO week of issue. Feedback counts distinct cards.</summary>
public sealed record CardAnalyticsData(
    IReadOnlyList<ShownCounts> Shown,
    IReadOnlyList<OutcomeCounts> Outcomes,
    IReadOnlyList<FeedbackCoverage> Coverage,
    IReadOnlyList<ReasonCounts> OverrideReasons,
    IReadOnlyList<SuggestionCounts> Suggestions,
    IReadOnlyList<UnlinkedFeedbackCounts> Unlinked);

/// <summary>
/// Override analytics, aggregated in the database (GROUP BY on both providers). Feedback is attributed to the week
/// its card was issued, so rates compare like with like; feedback for unknown cards is counted apart.
/// </summary>
public sealed class CardAnalyticsQuery(IDbContextFactory<CdsStoreContext> contexts)
{
    public async Task<CardAnalyticsData> LoadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var cards = db.IssuedCards.Where(c => c.IssuedAt >= from && c.IssuedAt < to);

        var shown = await cards
            .GroupBy(c => new { c.Concern, c.IsoWeek })
            .Select(g => new ShownCounts(g.Key.Concern, g.Key.IsoWeek, g.Count(), g.Sum(c => c.SuggestionCount)))
            .ToListAsync(ct);

        var linked =
            from f in db.Feedback
            join c in cards on new { f.CardUuid, f.ServiceId } equals new { c.CardUuid, c.ServiceId }
            select new { c.Concern, c.IsoWeek, f.Outcome, f.CardUuid, f.ReasonSystem, f.ReasonCode, f.ReasonDisplay, FeedbackId = f.Id };

        var outcomes = await linked
            .Select(x => new { x.Concern, x.IsoWeek, x.Outcome, x.CardUuid }).Distinct()
            .GroupBy(x => new { x.Concern, x.IsoWeek, x.Outcome })
            .Select(g => new OutcomeCounts(g.Key.Concern, g.Key.IsoWeek, g.Key.Outcome, g.Count()))
            .ToListAsync(ct);

        var coverage = await linked
            .Select(x => new { x.Concern, x.IsoWeek, x.CardUuid }).Distinct()
            .GroupBy(x => new { x.Concern, x.IsoWeek })
            .Select(g => new FeedbackCoverage(g.Key.Concern, g.Key.IsoWeek, g.Count()))
            .ToListAsync(ct);

        var reasons = await linked
            .Where(x => x.Outcome == FeedbackOutcome.Overridden)
            .Select(x => new { x.Concern, x.IsoWeek, x.ReasonSystem, x.ReasonCode, x.CardUuid }).Distinct()
            .GroupBy(x => new { x.Concern, x.IsoWeek, x.ReasonSystem, x.ReasonCode })
            .Select(g => new { g.Key.Concern, g.Key.IsoWeek, g.Key.ReasonSystem, g.Key.ReasonCode, Cards = g.Count() })
            .ToListAsync(ct);
        var displays = await linked
            .Where(x => x.Outcome == FeedbackOutcome.Overridden && x.ReasonCode != null && x.ReasonDisplay != null)
            .GroupBy(x => new { x.ReasonSystem, x.ReasonCode })
            .Select(g => new { g.Key.ReasonSystem, g.Key.ReasonCode, Display = g.Max(x => x.ReasonDisplay) })
            .ToListAsync(ct);

        var offered = await (
                from s in db.IssuedSuggestions
                join c in cards on s.CardUuid equals c.CardUuid
                group s by new { c.Concern, c.IsoWeek, s.Kind } into g
                select new { g.Key.Concern, g.Key.IsoWeek, g.Key.Kind, Count = g.Count() })
            .ToListAsync(ct);
        var accepted = await (
                from fs in db.FeedbackSuggestions
                join f in db.Feedback on fs.FeedbackId equals f.Id
                join s in db.IssuedSuggestions on new { fs.SuggestionUuid, f.CardUuid } equals new { s.SuggestionUuid, s.CardUuid }
                join c in cards on new { s.CardUuid, f.ServiceId } equals new { c.CardUuid, c.ServiceId }
                where f.Outcome == FeedbackOutcome.Accepted
                select new { c.Concern, c.IsoWeek, s.Kind, s.SuggestionUuid })
            .Distinct()
            .GroupBy(x => new { x.Concern, x.IsoWeek, x.Kind })
            .Select(g => new { g.Key.Concern, g.Key.IsoWeek, g.Key.Kind, Count = g.Count() })
            .ToListAsync(ct);

        var unlinked = await db.Feedback
            .Where(f => !f.CardKnown && f.OutcomeAt >= from && f.OutcomeAt < to)
            .GroupBy(f => f.Outcome)
            .Select(g => new UnlinkedFeedbackCounts(g.Key, g.Count()))
            .ToListAsync(ct);

        var suggestions = offered
            .Select(o => new SuggestionCounts(o.Concern, o.IsoWeek, o.Kind, o.Count,
                accepted.FirstOrDefault(a => a.Concern == o.Concern && a.IsoWeek == o.IsoWeek && a.Kind == o.Kind)?.Count ?? 0))
            .ToList();

        return new CardAnalyticsData(
            shown,
            outcomes,
            coverage,
            reasons.Select(r => new ReasonCounts(r.Concern, r.IsoWeek, r.ReasonSystem, r.ReasonCode,
                displays.FirstOrDefault(d => d.ReasonSystem == r.ReasonSystem && d.ReasonCode == r.ReasonCode)?.Display, r.Cards)).ToList(),
            suggestions,
            unlinked);
    }
}
