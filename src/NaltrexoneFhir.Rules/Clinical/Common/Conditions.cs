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
        ctx.Memo($"conditions-active|{valueSetUrl}|{allowText}", c => Matching(c, valueSetUrl, allowText, IsActive));

    /// <summary>
    /// Like <see cref="Active"/>, but a condition in remission also counts (e.g. opioid use disorder in remission:
    /// exactly the patients who start naltrexone after detoxification).
    /// </summary>
    public static IReadOnlyList<ConditionMatch> ActiveOrInRemission(RuleContext ctx, string valueSetUrl, bool allowText = true) =>
        ctx.Memo($"conditions-active-or-remission|{valueSetUrl}|{allowText}", c => Matching(c, valueSetUrl, allowText, IsActiveOrInRemission));

    private static bool IsActive(Condition c) => c.IsActiveCondition();

    private static bool IsActiveOrInRemission(Condition c) => c.IsActiveCondition()
        || (c.ClinicalStatus.HasCode("remission") && !c.VerificationStatus.HasCode("refuted") && !c.VerificationStatus.HasCode("entered-in-error"));

    private static IReadOnlyList<ConditionMatch> Matching(RuleContext ctx, string valueSetUrl, bool allowText, Func<Condition, bool> current)
    {
        var vs = ctx.ValueSet(valueSetUrl);
        var list = new List<ConditionMatch>();
        foreach (var c in ctx.Data.Conditions)
        {
            if (!current(c)) continue;
            var m = Match(vs, c.Code, allowText);
            if (m != MatchKind.None) list.Add(new ConditionMatch(c, m));
        }
        return list;
    }

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
}
