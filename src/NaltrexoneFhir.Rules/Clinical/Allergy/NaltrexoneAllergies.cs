using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Allergy;

/// <summary>An active (not refuted) allergy or intolerance whose substance is in a set, and how it matched.</summary>
public sealed record AllergyMatch(AllergyIntolerance Allergy, string Substance, MatchKind By)
{
    public string Describe() =>
        $"{Substance} — {Allergy.Type ?? "allergy"}, {Allergy.ClinicalStatus.Label("status not given")}"
        + (Allergy.Criticality is { } c ? $", criticality {c}" : "")
        + (Allergy.Reaction?.SelectMany(r => r.Manifestation ?? []).Select(m => m.Label()).FirstOrDefault() is { } r ? $", reaction: {r}" : "")
        + $" (AllergyIntolerance/{Allergy.Id})" + (By == MatchKind.Text ? " — matched by its text, not its code" : "");
}

internal static class NaltrexoneAllergies
{
    /// <summary>
    /// Allergies to a naltrexone product: the substance (code or reaction.substance) classifies as naltrexone
    /// (RxNorm 7243 or a naltrexone product code, or the text naltrexone / Vivitrol / ReVia / Contrave). Opioid/naltrexone
    /// abuse-deterrent products classify as opioids and do not count. Memoized per call (R25 asks, and R26 through
    /// <see cref="ToRelatedAntagonists"/>).
    /// </summary>
    public static IReadOnlyList<AllergyMatch> ToNaltrexone(RuleContext ctx) =>
        ctx.Memo(nameof(NaltrexoneAllergies), nameof(ToNaltrexone), static (c, _) => FindNaltrexone(c));

    private static List<AllergyMatch> FindNaltrexone(RuleContext ctx)
    {
        var classifier = ctx.Terminology.Medications;
        var list = new List<AllergyMatch>();
        foreach (var a in ctx.Data.Allergies.Where(a => a.IsActiveAllergy()))
            foreach (var concept in Substances(a))
            {
                var c = classifier.Classify(concept);
                if (!c.IsNaltrexone || (c.FromText && concept.Texts().Any(Common.TextGuards.Rejects))) continue;
                list.Add(new AllergyMatch(a, concept.Label("naltrexone"), c.FromText ? MatchKind.Text : MatchKind.Code));
                break;
            }
        return list;
    }

    /// <summary>Allergies to naloxone or nalmefene (value set related-opioid-antagonists), excluding those already naltrexone allergies.</summary>
    public static IReadOnlyList<AllergyMatch> ToRelatedAntagonists(RuleContext ctx)
    {
        var set = ctx.ValueSet(ValueSetUrls.RelatedOpioidAntagonists);
        var ntx = ToNaltrexone(ctx).Select(m => m.Allergy).ToHashSet();
        var list = new List<AllergyMatch>();
        foreach (var a in ctx.Data.Allergies.Where(a => a.IsActiveAllergy() && !ntx.Contains(a)))
            foreach (var concept in Substances(a))
            {
                var m = Common.ConditionQueries.Match(set, concept);
                if (m == MatchKind.None) continue;
                list.Add(new AllergyMatch(a, concept.Label("opioid antagonist"), m));
                break;
            }
        return list;
    }

    private static IEnumerable<CodeableConcept> Substances(AllergyIntolerance a) =>
        new[] { a.Code }.Concat((a.Reaction ?? []).Select(r => r.Substance)).OfType<CodeableConcept>();
}
