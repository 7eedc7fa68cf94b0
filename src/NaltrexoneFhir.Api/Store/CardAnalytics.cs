using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using NaltrexoneFhir.Api.Errors;
using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Persistence;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Api.Store;

public sealed record ReasonStats(string? System, string? Code, string Display, int Cards);

public sealed record SuggestionStats(string Kind, int Offered, int Accepted, double? AcceptanceRate);

/// <summary>Counts for one concern over one week (or, with <see cref="Week"/> null, the whole window). Feedback counts distinct cards.</summary>
public sealed record CardStats(
    string? Week,
    int Shown,
    int Accepted,
    int Overridden,
    int NoFeedback,
    double? AcceptanceRate,
    double? OverrideRate,
    int SuggestionsOffered,
    int SuggestionsAccepted,
    double? SuggestionAcceptanceRate,
    IReadOnlyList<ReasonStats> TopOverrideReasons);

public sealed record ConcernReport(string Concern, string Display, CardStats Total, IReadOnlyList<CardStats> Weeks, IReadOnlyList<SuggestionStats> Suggestions);

/// <summary>Feedback whose card uuid is not on record for that service (flagged), by outcome, in the window (by outcome time).</summary>
public sealed record UnlinkedFeedbackStats(int Accepted, int Overridden);

public sealed record CardAnalyticsReport(
    string From,
    string To,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<string> Weeks,
    CardStats Total,
    IReadOnlyList<ConcernReport> Concerns,
    UnlinkedFeedbackStats UnlinkedFeedback);

/// <summary>A window of whole ISO weeks, [Monday of <see cref="FromWeek"/>, Monday after <see cref="ToWeek"/>).</summary>
public sealed partial record WeekWindow(int FromYear, int FromWeek, int ToYear, int ToWeek)
{
    public const int DefaultWeeks = 12, MaxWeeks = 260;

    public DateTimeOffset Start => new(ISOWeek.ToDateTime(FromYear, FromWeek, DayOfWeek.Monday), TimeSpan.Zero);
    public DateTimeOffset End => new(ISOWeek.ToDateTime(ToYear, ToWeek, DayOfWeek.Monday).AddDays(7), TimeSpan.Zero);

    public IReadOnlyList<string> Weeks()
    {
        var list = new List<string>();
        for (var d = Start; d < End; d = d.AddDays(7)) list.Add(AuditBehavior.IsoWeek(d));
        return list;
    }

    /// <summary>From query parameters <c>from</c>/<c>to</c> (ISO weeks, e.g. 2026-W40) or <c>weeks</c> (the last N weeks up to now).</summary>
    public static (WeekWindow? Window, RequestIssue? Issue) FromQuery(string? from, string? to, string? weeks, DateTimeOffset now)
    {
        var nowDay = now.UtcDateTime;
        (int Y, int W) end = (ISOWeek.GetYear(nowDay), ISOWeek.GetWeekOfYear(nowDay));
        if (to is not null && !TryParseWeek(to, out end))
            return (null, new("value", "to must be an ISO week such as 2026-W47.", "to"));
        (int Y, int W) start;
        if (from is not null)
        {
            if (!TryParseWeek(from, out start)) return (null, new("value", "from must be an ISO week such as 2026-W40.", "from"));
        }
        else
        {
            var n = DefaultWeeks;
            if (weeks is not null && (!int.TryParse(weeks, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > MaxWeeks))
                return (null, new("value", $"weeks must be a whole number from 1 to {MaxWeeks}.", "weeks"));
            var monday = ISOWeek.ToDateTime(end.Y, end.W, DayOfWeek.Monday).AddDays(-7 * (n - 1));
            start = (ISOWeek.GetYear(monday), ISOWeek.GetWeekOfYear(monday));
        }
        var window = new WeekWindow(start.Y, start.W, end.Y, end.W);
        if (window.Start >= window.End) return (null, new("value", "from must not be after to.", "from"));
        if ((window.End - window.Start).TotalDays / 7 > MaxWeeks) return (null, new("too-costly", $"At most {MaxWeeks} weeks per report.", "from"));
        return (window, null);
    }

    private static bool TryParseWeek(string s, out (int Y, int W) week)
    {
        week = default;
        var m = WeekPattern().Match(s.Trim());
        if (!m.Success) return false;
        var y = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var w = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        if (y < 2000 || y > 9998 || w < 1 || w > ISOWeek.GetWeeksInYear(y)) return false;
        week = (y, w);
        return true;
    }

    [GeneratedRegex(@"^(\d{4})-?W(\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex WeekPattern();
}

/// <summary>Turns the store's aggregates into the report served as JSON and HTML.</summary>
public static class CardAnalytics
{
    public const int TopReasons = 5;

    /// <summary>Displays of the override reasons our cards offer, for feedback that sends only system and code (the sandbox does).</summary>
    private static readonly Dictionary<(string, string), string> KnownReasons = typeof(OverrideReasons)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(CdsCoding))
        .Select(f => (CdsCoding)f.GetValue(null)!)
        .ToDictionary(c => (c.System, c.Code), c => c.Display ?? c.Code);

    public static string ReasonDisplay(string? system, string? code, string? display) =>
        display ?? (code is null ? "(no reason given)" : KnownReasons.TryGetValue((system ?? "", code), out var d) ? d : code);

    public static CardAnalyticsReport Build(CardAnalyticsData data, WeekWindow window, DateTimeOffset generatedAt)
    {
        var weeks = window.Weeks();
        var concerns = data.Shown.Select(s => s.Concern).Distinct().Order(StringComparer.Ordinal).ToList();
        var reports = concerns.Select(concern =>
        {
            var perWeek = weeks.Select(w => Stats(data, w, c => c == concern, wk => wk == w)).ToList();
            var total = Stats(data, null, c => c == concern, _ => true);
            var suggestions = data.Suggestions.Where(s => s.Concern == concern)
                .GroupBy(s => s.Kind)
                .Select(g => new SuggestionStats(g.Key, g.Sum(x => x.Offered), g.Sum(x => x.Accepted), Rate(g.Sum(x => x.Accepted), g.Sum(x => x.Offered))))
                .OrderByDescending(s => s.Offered).ThenBy(s => s.Kind, StringComparer.Ordinal)
                .ToList();
            return new ConcernReport(concern, Concerns.Display(concern), total, perWeek, suggestions);
        })
        .OrderByDescending(r => r.Total.Shown).ThenBy(r => r.Concern, StringComparer.Ordinal)
        .ToList();

        return new CardAnalyticsReport(
            weeks[0], weeks[^1], generatedAt, weeks,
            Stats(data, null, _ => true, _ => true),
            reports,
            new UnlinkedFeedbackStats(
                data.Unlinked.Where(u => u.Outcome == FeedbackOutcome.Accepted).Sum(u => u.Entries),
                data.Unlinked.Where(u => u.Outcome == FeedbackOutcome.Overridden).Sum(u => u.Entries)));
    }

    private static CardStats Stats(CardAnalyticsData data, string? week, Func<string, bool> concern, Func<string, bool> inWeek)
    {
        var shown = data.Shown.Where(s => concern(s.Concern) && inWeek(s.IsoWeek)).Sum(s => s.Shown);
        var accepted = data.Outcomes.Where(o => concern(o.Concern) && inWeek(o.IsoWeek) && o.Outcome == FeedbackOutcome.Accepted).Sum(o => o.Cards);
        var overridden = data.Outcomes.Where(o => concern(o.Concern) && inWeek(o.IsoWeek) && o.Outcome == FeedbackOutcome.Overridden).Sum(o => o.Cards);
        var withFeedback = data.Coverage.Where(c => concern(c.Concern) && inWeek(c.IsoWeek)).Sum(c => c.CardsWithFeedback);
        var offered = data.Suggestions.Where(s => concern(s.Concern) && inWeek(s.IsoWeek)).Sum(s => s.Offered);
        var acceptedSuggestions = data.Suggestions.Where(s => concern(s.Concern) && inWeek(s.IsoWeek)).Sum(s => s.Accepted);
        var reasons = data.OverrideReasons.Where(r => concern(r.Concern) && inWeek(r.IsoWeek))
            .GroupBy(r => (r.System, r.Code))
            .Select(g => new ReasonStats(g.Key.System, g.Key.Code, ReasonDisplay(g.Key.System, g.Key.Code, g.Select(x => x.Display).FirstOrDefault(d => d is not null)), g.Sum(x => x.Cards)))
            .OrderByDescending(r => r.Cards).ThenBy(r => r.Code is null).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Take(TopReasons)
            .ToList();
        return new CardStats(week, shown, accepted, overridden, Math.Max(0, shown - withFeedback),
            Rate(accepted, shown), Rate(overridden, shown), offered, acceptedSuggestions, Rate(acceptedSuggestions, offered), reasons);
    }

    private static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}

/// <summary><c>GET /analytics/cards</c> (JSON) and <c>GET /analytics</c> (HTML page with an SVG chart).</summary>
public static class AnalyticsEndpoints
{
    public static async Task<IResult> JsonAsync(HttpContext http, CardAnalyticsQuery query, StoreReadiness readiness, StoreClock clock, string? from, string? to, string? weeks)
    {
        var (report, problem) = await LoadAsync(http, query, readiness, clock, from, to, weeks);
        return problem ?? TypedResults.Json(report!, StoreJsonContext.Default.CardAnalyticsReport);
    }

    public static async Task<IResult> PageAsync(HttpContext http, CardAnalyticsQuery query, StoreReadiness readiness, StoreClock clock, string? from, string? to, string? weeks)
    {
        var (report, problem) = await LoadAsync(http, query, readiness, clock, from, to, weeks);
        if (problem is not null) return problem;
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return TypedResults.Content(AnalyticsPage.Render(report!), "text/html; charset=utf-8");
    }

    private static async Task<(CardAnalyticsReport? Report, IResult? Problem)> LoadAsync(
        HttpContext http, CardAnalyticsQuery query, StoreReadiness readiness, StoreClock clock, string? from, string? to, string? weeks)
    {
        var now = clock.Time.GetUtcNow();
        var (window, issue) = WeekWindow.FromQuery(from, to, weeks, now);
        if (issue is not null) return (null, Outcomes.Result(StatusCodes.Status400BadRequest, [issue]));
        if (!readiness.IsReady)
        {
            http.Response.Headers.RetryAfter = FeedbackEndpoint.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return (null, Outcomes.Result(StatusCodes.Status503ServiceUnavailable, "transient", "The analytics store is not available yet."));
        }
        try
        {
            var data = await query.LoadAsync(window!.Start, window.End, http.RequestAborted);
            return (CardAnalytics.Build(data, window, now), null);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested && ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            http.Response.Headers.RetryAfter = FeedbackEndpoint.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return (null, Outcomes.Result(StatusCodes.Status503ServiceUnavailable, "transient", "The analytics store is not reachable; retry later."));
        }
    }
}
