using System.Text;
using NaltrexoneFhir.Hooks;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// Turns findings into CDS Hooks cards: one card per concern (the strongest finding sets indicator and summary;
/// the detail names every finding), a uuid on every card and suggestion, a cited source and override reasons.
/// </summary>
public static class CardComposer
{
    public const int MaxSummaryLength = 139;

    /// <param name="findings">What the rules found.</param>
    /// <param name="newId">
    /// Card and suggestion uuids; by default time-ordered (UUID version 7). The audit trail keys its card and
    /// suggestion tables by these uuids: random (version 4) keys land on a random page of each index, so every audit
    /// commit rewrote hundreds of index pages once the tables outgrew the cache, while time-ordered keys are appended
    /// at the end of the index (audit writer 290 → 166–198 µs of CPU per hook call over a 50,000-call database,
    /// BENCHMARKS.md, session 6). The uuid reveals only the millisecond the card was issued.
    /// </param>
    public static IReadOnlyList<Card> Compose(IEnumerable<Finding> findings, Func<Guid>? newId = null)
    {
        newId ??= Guid.CreateVersion7;
        return findings
            .GroupBy(f => f.Concern)
            .Select(g => ComposeCard(g.OrderByDescending(f => Indicators.Rank(f.Indicator)).ThenByDescending(f => f.Weight).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList(), newId))
            .OrderByDescending(c => Indicators.Rank(c.Indicator))
            .ThenBy(c => c.Source.Topic!.Code, StringComparer.Ordinal)
            .ToList();
    }

    private static Card ComposeCard(IReadOnlyList<Finding> findings, Func<Guid> newId)
    {
        var top = findings[0];
        var sources = findings.SelectMany(f => f.Sources).DistinctBy(s => s.Url).ToList();
        var detail = new StringBuilder();
        detail.Append("**Findings**\n\n");
        foreach (var line in findings.SelectMany(f => f.Evidence.Select(e => (f, e))).DistinctBy(x => x.e))
            detail.Append("- ").Append(line.e).Append(" *(").Append(line.f.RuleId).Append(")*\n");
        var actions = findings.SelectMany(f => f.Actions).Distinct().ToList();
        if (actions.Count > 0)
        {
            detail.Append("\n**What to do**\n\n");
            foreach (var a in actions) detail.Append("- ").Append(a).Append('\n');
        }
        var notes = findings.SelectMany(f => f.Notes).Distinct().ToList();
        if (notes.Count > 0)
        {
            detail.Append("\n**Notes**\n\n");
            foreach (var n in notes) detail.Append("- ").Append(n).Append('\n');
        }
        detail.Append("\n**Sources**: ").Append(string.Join("; ", sources.Select(s => $"[{s.Label}]({s.Url})")));
        if (findings.Count > 1)
            detail.Append("\n\n*Rules: ").Append(string.Join(", ", findings.Select(f => f.RuleId).Distinct())).Append('*');

        // Suggestions are alternatives (remove the order, or order a test): at-most-one, and then at most one may be
        // recommended (cds-resp-1) — the first recommended one, from the strongest finding.
        var specs = findings.SelectMany(f => f.Suggestions).DistinctBy(s => s.Label).ToList();
        var recommended = specs.FirstOrDefault(s => s.IsRecommended);
        var suggestions = specs
            .Select(s => new Suggestion
            {
                Label = s.Label,
                Uuid = newId().ToString(),
                IsRecommended = ReferenceEquals(s, recommended) ? true : null,
                Actions = s.Actions.Count > 0 ? s.Actions : null,
            })
            .ToList();

        return new Card
        {
            Uuid = newId().ToString(),
            Summary = Shorten(top.Summary),
            Detail = detail.ToString(),
            Indicator = top.Indicator,
            Source = new CardSource
            {
                Label = top.Sources.Count > 0 ? top.Sources[0].Label : "NaltrexoneFhir",
                Url = top.Sources.Count > 0 ? top.Sources[0].Url : null,
                Topic = new CdsCoding(Concerns.System, top.Concern, Concerns.Display(top.Concern)),
            },
            Suggestions = suggestions.Count > 0 ? suggestions : null,
            SelectionBehavior = suggestions.Count > 0 ? "at-most-one" : null,
            OverrideReasons = OverrideReasons.For(top.Concern),
        };
    }

    public static string Shorten(string summary) =>
        summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)].TrimEnd() + "…";
}
