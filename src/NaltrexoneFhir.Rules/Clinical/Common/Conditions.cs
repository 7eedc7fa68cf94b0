using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

public sealed record ConditionMatch(Condition Condition, MatchKind By)
{
    public string Describe() =>
        $"{Condition.Code.Label("Condition")} — {Condition.ClinicalStatus.Label("status not given")}, onset {Text.Date(Condition.OnsetDateTime ?? Condition.OnsetPeriod?.Start ?? Condition.RecordedDate)} (Condition/{Condition.Id})"
        + (By == MatchKind.Text ? " — matched by its text, not its code" : "");
}

public static class ConditionQueries
{
    /// <summary>Active, not refuted conditions in a value set (by code, else by text).</summary>
    public static IReadOnlyList<ConditionMatch> Active(RuleContext ctx, string valueSetUrl, bool allowText = true) =>
        ConceptMemberships.Of(ctx).Conditions(valueSetUrl, allowText, inRemissionToo: false);

    /// <summary>
    /// Like <see cref="Active"/>, but a condition in remission also counts (e.g. opioid use disorder in remission:
    /// exactly the patients who start naltrexone after detoxification).
    /// </summary>
    public static IReadOnlyList<ConditionMatch> ActiveOrInRemission(RuleContext ctx, string valueSetUrl, bool allowText = true) =>
        ConceptMemberships.Of(ctx).Conditions(valueSetUrl, allowText, inRemissionToo: true);

    internal static bool IsActive(Condition c) => c.IsActiveCondition();

    internal static bool IsActiveOrInRemission(Condition c) => c.IsActiveCondition()
        || (c.ClinicalStatus.HasCode("remission") && !c.VerificationStatus.HasCode("refuted") && !c.VerificationStatus.HasCode("entered-in-error"));

    /// <summary>
    /// A concept against a value set: by code, else (if allowed) by text — but a text match is dropped when the text
    /// negates it or uses the word in another sense (<see cref="TextGuards"/>).
    /// </summary>
    public static MatchKind Match(IndexedValueSet vs, CodeableConcept? concept, bool allowText = true)
    {
        var m = vs.Match(concept, allowText);
        if (m != MatchKind.Text) return m;
        return concept.Texts().Any(t => vs.MatchesText(t) && !TextGuards.Rejects(t)) ? MatchKind.Text : MatchKind.None;
    }

    /// <summary>
    /// As <see cref="Match(IndexedValueSet, CodeableConcept?, bool)"/> with the value set of <paramref name="valueSetUrl"/>,
    /// answered from the concept's memberships of this call (each concept classified once for all value sets).
    /// </summary>
    public static MatchKind Match(RuleContext ctx, string valueSetUrl, CodeableConcept? concept, bool allowText = true) =>
        ConceptMemberships.Of(ctx).Match(ctx.Terminology.OrdinalOf(valueSetUrl), concept, allowText);
}

/// <summary>
/// Per call: the value sets each concept is in by code, and by each of its texts. The rules ask ~15 value sets about
/// the same conditions; matching each concept once against all of them (one lookup per coding, one pass over each
/// text's words) replaces ~15 separate matches. <see cref="TextGuards"/> is asked only about a text that names the
/// asked value set, once per text, as the per-set match did.
/// </summary>
internal sealed class ConceptMemberships(RuleContext ctx)
{
    private readonly Dictionary<CodeableConcept, (ValueSetMask Codes, TextHit[]? Texts)> _byConcept = new(ReferenceEqualityComparer.Instance);
    // Keyed by (value set ordinal, allowText, remission counts): no string key per query.
    private readonly Dictionary<int, IReadOnlyList<ConditionMatch>> _conditions = [];

    public static ConceptMemberships Of(RuleContext ctx) => ctx.Memo(static c => new ConceptMemberships(c));

    public MatchKind Match(int ordinal, CodeableConcept? concept, bool allowText)
    {
        if (concept is null) return MatchKind.None;
        var (codes, texts) = Of(concept);
        if (codes.Contains(ordinal)) return MatchKind.Code;
        if (!allowText || texts is null) return MatchKind.None;
        foreach (var hit in texts)
            if (hit.Sets.Contains(ordinal) && !hit.Rejected) return MatchKind.Text;
        return MatchKind.None;
    }

    public IReadOnlyList<ConditionMatch> Conditions(string valueSetUrl, bool allowText, bool inRemissionToo)
    {
        var ordinal = ctx.Terminology.OrdinalOf(valueSetUrl);
        var key = (ordinal << 2) | (allowText ? 2 : 0) | (inRemissionToo ? 1 : 0);
        if (_conditions.TryGetValue(key, out var cached)) return cached;
        var list = new List<ConditionMatch>();
        var all = ctx.Data.Conditions;
        for (var i = 0; i < all.Count; i++)
        {
            var c = all[i];
            if (!(inRemissionToo ? ConditionQueries.IsActiveOrInRemission(c) : ConditionQueries.IsActive(c))) continue;
            var m = Match(ordinal, c.Code, allowText);
            if (m != MatchKind.None) list.Add(new ConditionMatch(c, m));
        }
        _conditions[key] = list;
        return list;
    }

    private (ValueSetMask Codes, TextHit[]? Texts) Of(CodeableConcept concept)
    {
        if (_byConcept.TryGetValue(concept, out var known)) return known;
        var terminology = ctx.Terminology;
        // The same texts as Texts(): the concept's text, then each coding's display (a display repeating the text,
        // as most do, is the same match and is skipped).
        List<TextHit>? hits = null;
        Add(terminology, concept.Text, ref hits);
        if (concept.Coding is { } codings)
            for (var i = 0; i < codings.Count; i++)
                if (!string.Equals(codings[i].Display, concept.Text, StringComparison.Ordinal)) Add(terminology, codings[i].Display, ref hits);
        return _byConcept[concept] = (terminology.SetsContainingAny(concept), hits?.ToArray());
    }

    private static void Add(ValueSetIndex terminology, string? text, ref List<TextHit>? hits)
    {
        var sets = terminology.SetsMatchingText(text);
        if (!sets.IsEmpty) (hits ??= []).Add(new TextHit(text!, sets));
    }

    /// <summary>A text that names some value sets; whether it negates them or means something else is asked once, when needed.</summary>
    private sealed class TextHit(string text, ValueSetMask sets)
    {
        private bool? _rejected;
        public ValueSetMask Sets { get; } = sets;
        public bool Rejected => _rejected ??= TextGuards.Rejects(text);
    }
}
