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
    /// BENCHMARKS.md, session 6). The uuid reveals only the millisecond the card was issued. Made by
    /// <see cref="TimeOrderedUuid"/>, without the system call per uuid of <see cref="Guid.CreateVersion7()"/> (session 15).
    /// </param>
    public static IReadOnlyList<Card> Compose(IEnumerable<Finding> findings, Func<Guid>? newId = null)
    {
        newId ??= TimeOrderedUuid.New;
        // One group per concern, in the order concerns first occur (as GroupBy), each sorted stably: strongest
        // indicator, then weight, then rule id; the cards likewise by indicator, then concern. Plain lists and one
        // keyed sort each instead of LINQ's grouping and ordered iterators (BENCHMARKS.md, session 10).
        var groups = new List<List<Finding>>();
        foreach (var f in findings)
        {
            List<Finding>? group = null;
            foreach (var g in groups)
                if (string.Equals(g[0].Concern, f.Concern, StringComparison.Ordinal)) { group = g; break; }
            if (group is null) groups.Add(group = []);
            group.Add(f);
        }
        var cards = new List<Card>(groups.Count);
        foreach (var group in groups)
        {
            StableSort(group, static (a, b) =>
                Indicators.Rank(b.Indicator).CompareTo(Indicators.Rank(a.Indicator)) is var c and not 0 ? c
                : b.Weight.CompareTo(a.Weight) is var w and not 0 ? w
                : string.CompareOrdinal(a.RuleId, b.RuleId));
            cards.Add(ComposeCard(group, newId));
        }
        StableSort(cards, static (a, b) =>
            Indicators.Rank(b.Indicator).CompareTo(Indicators.Rank(a.Indicator)) is var c and not 0 ? c
            : string.CompareOrdinal(a.Source.Topic!.Code, b.Source.Topic!.Code));
        return cards;
    }

    /// <summary>Sorts in place keeping equal items in their order (as OrderBy does): ties fall back to the position.</summary>
    private static void StableSort<T>(List<T> items, Comparison<T> compare)
    {
        if (items.Count < 2) return;
        var keyed = new (T Item, int Position)[items.Count];
        for (var i = 0; i < keyed.Length; i++) keyed[i] = (items[i], i);
        Array.Sort(keyed, (a, b) => compare(a.Item, b.Item) is var c and not 0 ? c : a.Position.CompareTo(b.Position));
        for (var i = 0; i < keyed.Length; i++) items[i] = keyed[i].Item;
    }

    private static Card ComposeCard(IReadOnlyList<Finding> findings, Func<Guid> newId)
    {
        // Plain index loops and small first-occurrence sets (in the findings' order): every card of every call is
        // composed here; the LINQ version of the same cost about 2 % of a typical call's CPU (BENCHMARKS.md, session 8),
        // and hash sets and list enumerators were most of what composing still allocated (session 10).
        var top = findings[0];
        var sources = new List<ClinicalSource>();
        var sourceUrls = new FirstSeen();
        var detail = t_detail?.Clear() ?? new StringBuilder(1024);
        t_detail = null;
        detail.Append("**Findings**\n\n");
        var evidence = new FirstSeen();
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            for (var j = 0; j < f.Sources.Count; j++)
                if (sourceUrls.Add(f.Sources[j].Url)) sources.Add(f.Sources[j]);
            for (var j = 0; j < f.Evidence.Count; j++)
                if (evidence.Add(f.Evidence[j])) detail.Append("- ").Append(f.Evidence[j]).Append(" *(").Append(f.RuleId).Append(")*\n");
        }
        AppendSection(detail, "\n**What to do**\n\n", findings, static f => f.Actions);
        AppendSection(detail, "\n**Notes**\n\n", findings, static f => f.Notes);
        detail.Append("\n**Sources**: ");
        for (var i = 0; i < sources.Count; i++)
            detail.Append(i == 0 ? "" : "; ").Append('[').Append(sources[i].Label).Append("](").Append(sources[i].Url).Append(')');
        if (findings.Count > 1)
        {
            detail.Append("\n\n*Rules: ");
            var ruleIds = new FirstSeen();
            for (var i = 0; i < findings.Count; i++)
                if (ruleIds.Add(findings[i].RuleId)) detail.Append(ruleIds.Count == 1 ? "" : ", ").Append(findings[i].RuleId);
            detail.Append('*');
        }

        // Suggestions are alternatives (remove the order, or order a test): at-most-one, and then at most one may be
        // recommended (cds-resp-1) — the first recommended one, from the strongest finding.
        var suggestions = new List<Suggestion>();
        var labels = new FirstSeen();
        var recommendedGiven = false;
        for (var i = 0; i < findings.Count; i++)
            for (var j = 0; j < findings[i].Suggestions.Count; j++)
            {
                var spec = findings[i].Suggestions[j];
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
            Detail = Release(detail),
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

    /// <summary>
    /// One detail builder kept per thread (as the BCL's internal StringBuilderCache does): its 2 KB buffer was the
    /// largest single allocation of composing a card.
    /// </summary>
    [ThreadStatic] private static StringBuilder? t_detail;

    private static string Release(StringBuilder detail)
    {
        var text = detail.ToString();
        if (detail.Capacity <= 8 * 1024) t_detail = detail;
        return text;
    }

    /// <summary>A markdown list of the findings' distinct lines (first occurrence order) under a heading, if any.</summary>
    private static void AppendSection(StringBuilder detail, string heading, IReadOnlyList<Finding> findings, Func<Finding, IReadOnlyList<string>> lines)
    {
        FirstSeen? seen = null;
        for (var i = 0; i < findings.Count; i++)
        {
            var of = lines(findings[i]);
            for (var j = 0; j < of.Count; j++)
            {
                seen ??= new FirstSeen();
                if (!seen.Add(of[j])) continue;
                if (seen.Count == 1) detail.Append(heading);
                detail.Append("- ").Append(of[j]).Append('\n');
            }
        }
    }

    /// <summary>
    /// Which strings (ordinal) were seen: a list while small — a card has a handful of lines, rule ids and labels, for
    /// which a hash set's buckets and entries cost more than comparing — and a hash set beyond that, so a card built
    /// from hundreds of lines stays linear.
    /// </summary>
    private sealed class FirstSeen
    {
        private const int ListLimit = 16;
        private readonly List<string> _few = new(4);
        private HashSet<string>? _many;

        public int Count => _many?.Count ?? _few.Count;

        /// <summary>True the first time <paramref name="value"/> is added.</summary>
        public bool Add(string value)
        {
            if (_many is not null) return _many.Add(value);
            foreach (var seen in _few)
                if (string.Equals(seen, value, StringComparison.Ordinal)) return false;
            _few.Add(value);
            if (_few.Count > ListLimit) _many = new HashSet<string>(_few, StringComparer.Ordinal);
            return true;
        }
    }

    public static string Shorten(string summary) =>
        summary.Length <= MaxSummaryLength ? summary : summary[..(MaxSummaryLength - 1)].TrimEnd() + "…";
}
