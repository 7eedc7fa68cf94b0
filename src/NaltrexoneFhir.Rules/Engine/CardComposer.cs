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
        // Plain loops and sets (first occurrence wins, in the findings' order): every card of every call is composed
        // here, and the LINQ version of the same cost about 2 % of a typical call's CPU (BENCHMARKS.md, session 8).
        var top = findings[0];
        var sources = new List<ClinicalSource>();
        var sourceUrls = new HashSet<string>(StringComparer.Ordinal);
        var detail = new StringBuilder(1024);
        detail.Append("**Findings**\n\n");
        var evidence = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            foreach (var s in f.Sources)
                if (sourceUrls.Add(s.Url)) sources.Add(s);
            foreach (var e in f.Evidence)
                if (evidence.Add(e)) detail.Append("- ").Append(e).Append(" *(").Append(f.RuleId).Append(")*\n");
        }
        AppendSection(detail, "\n**What to do**\n\n", findings, static f => f.Actions);
        AppendSection(detail, "\n**Notes**\n\n", findings, static f => f.Notes);
        detail.Append("\n**Sources**: ");
        for (var i = 0; i < sources.Count; i++)
            detail.Append(i == 0 ? "" : "; ").Append('[').Append(sources[i].Label).Append("](").Append(sources[i].Url).Append(')');
        if (findings.Count > 1)
        {
            detail.Append("\n\n*Rules: ");
            var ruleIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in findings)
                if (ruleIds.Add(f.RuleId)) detail.Append(ruleIds.Count == 1 ? "" : ", ").Append(f.RuleId);
            detail.Append('*');
        }

        // Suggestions are alternatives (remove the order, or order a test): at-most-one, and then at most one may be
        // recommended (cds-resp-1) — the first recommended one, from the strongest finding.
        var suggestions = new List<Suggestion>();
        var labels = new HashSet<string>(StringComparer.Ordinal);
        var recommendedGiven = false;
        foreach (var f in findings)
            foreach (var spec in f.Suggestions)
            {
                if (!labels.Add(spec.Label)) continue;
                var recommended = spec.IsRecommended && !recommendedGiven;
                recommendedGiven |= recommended;
                suggestions.Add(new Suggestion
                {
                    Label = spec.Label,
                    Uuid = newId().ToString(),
                    IsRecommended = recommended ? true : null,
                    Actions = spec.Actions.Count > 0 ? spec.Actions : null,
                });
            }

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

    /// <summary>A markdown list of the findings' distinct lines (first occurrence order) under a heading, if any.</summary>
    private static void AppendSection(StringBuilder detail, string heading, IReadOnlyList<Finding> findings, Func<Finding, IReadOnlyList<string>> lines)
    {
        HashSet<string>? seen = null;
        foreach (var f in findings)
            foreach (var line in lines(f))
            {
                seen ??= new HashSet<string>(StringComparer.Ordinal);
                if (!seen.Add(line)) continue;
                if (seen.Count == 1) detail.Append(heading);
                detail.Append("- ").Append(line).Append('\n');
            }
    }

    public static string Shorten(string summary) =>
        summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)].TrimEnd() + "…";
}
