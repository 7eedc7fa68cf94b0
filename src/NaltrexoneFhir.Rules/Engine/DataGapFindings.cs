using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Data;

namespace NaltrexoneFhir.Rules.Engine;

/// <summary>
/// Turns data gaps into <c>data-unavailable</c> findings: one per affected rule, so the composer makes ONE warning
/// card whose detail names every check that could not run (or ran on partial data) and why, e.g.
/// "Naltrexone ordered for a patient on an active opioid — not checked: medication list unavailable — FHIR server timed out".
/// A safety service never answers with silence when it could not see the data.
/// </summary>
public static class DataGapFindings
{
    public static IReadOnlyList<Finding> Build(IEnumerable<Rule> triggeredRules, IReadOnlyList<DataGap> gaps, Func<string, string> label)
    {
        if (gaps.Count == 0) return [];
        var byKey = gaps.GroupBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var affected = new List<(Rule Rule, IReadOnlyList<DataGap> Unavailable, IReadOnlyList<DataGap> Incomplete)>();
        foreach (var rule in triggeredRules)
        {
            var mine = rule.Needs.Where(byKey.ContainsKey).Select(k => byKey[k]).ToList();
            if (mine.Count == 0) continue;
            affected.Add((rule, mine.Where(g => g.Kind == DataGapKind.Unavailable).ToList(), mine.Where(g => g.Kind == DataGapKind.Incomplete).ToList()));
        }
        if (affected.Count == 0) return [];

        var skipped = affected.Where(a => a.Unavailable.Count > 0).ToList();
        var summary = skipped.Count > 0
            ? Summary($"{skipped.Count} safety check{(skipped.Count == 1 ? "" : "s")} not run", skipped.SelectMany(a => a.Unavailable).ToList(), "unavailable", label)
            : Summary("Safety checks ran on partial data", affected.SelectMany(a => a.Incomplete).ToList(), "incomplete", label);

        var actions = new List<string>();
        var missingLabels = Labels(skipped.SelectMany(a => a.Unavailable), label);
        if (missingLabels.Count > 0)
            actions.Add($"Review the {Join(missingLabels)} in the chart yourself before signing: the checks listed above did not run.");
        var partialLabels = Labels(affected.SelectMany(a => a.Incomplete), label);
        if (partialLabels.Count > 0)
            actions.Add($"Review the full {Join(partialLabels)}: only part of it could be read.");

        return affected.Select(a => new Finding
        {
            RuleId = a.Rule.Id,
            Concern = Concerns.DataUnavailable,
            Indicator = Indicators.Warning,
            Summary = summary,
            Evidence = [a.Unavailable.Count > 0
                ? $"{a.Rule.Title} — not checked: {Reasons(a.Unavailable, "unavailable", label)}"
                : $"{a.Rule.Title} — checked on partial data: {Reasons(a.Incomplete, "incomplete", label)}"],
            Actions = actions,
            Notes = ["No other card for these checks is not reassurance: the data behind them was not (fully) seen."],
            Sources = [ClinicalSources.CdsHooksSpec],
        }).ToList();
    }

    /// <summary>
    /// "3 safety checks not run: medication list unavailable — FHIR server timed out". The reason only when all gaps share
    /// it; the data named one by one while that fits, else the first and a count.
    /// </summary>
    private static string Summary(string head, IReadOnlyList<DataGap> gaps, string state, Func<string, string> label)
    {
        var reasons = gaps.Select(g => g.Reason).Distinct(StringComparer.Ordinal).ToList();
        var tail = reasons.Count == 1 ? $" — {reasons[0]}" : "";
        var labels = Labels(gaps, label);
        var full = $"{head}: {Join(labels)} {state}{tail}";
        if (full.Length <= CardComposer.MaxSummaryLength || labels.Count == 1) return full;
        return $"{head}: {labels[0]} and {labels.Count - 1} more {state}{tail}";
    }

    /// <summary>"medication list, reported medications unavailable — FHIR server timed out; liver tests unavailable — FHIR server error (HTTP 503)".</summary>
    private static string Reasons(IReadOnlyList<DataGap> gaps, string state, Func<string, string> label) =>
        string.Join("; ", gaps.GroupBy(g => g.Reason, StringComparer.Ordinal)
            .Select(g => $"{Join(Labels(g, label))} {state} — {g.Key}"));

    private static List<string> Labels(IEnumerable<DataGap> gaps, Func<string, string> label) =>
        gaps.Select(g => label(g.Key)).Distinct(StringComparer.Ordinal).ToList();

    private static string Join(IReadOnlyList<string> items) => string.Join(", ", items);
}
