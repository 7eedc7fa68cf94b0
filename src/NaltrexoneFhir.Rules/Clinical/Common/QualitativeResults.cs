using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Common;

/// <summary>
/// Reads qualitative results (urine drug screens, hCG): valueCodeableConcept, interpretation, valueString, valueBoolean.
/// Negative wording is checked first ("not detected" contains "detected", "non-reactive" contains "reactive").
/// A quantitative value without an interpretation is not read (its cut-off is lab-specific).
/// </summary>
public static class QualitativeResults
{
    public static bool? IsPositive(RuleContext ctx, Observation o)
    {
        var pos = ctx.ValueSet(ValueSetUrls.PositiveResults);
        var neg = ctx.ValueSet(ValueSetUrls.NegativeResults);
        var concepts = new List<CodeableConcept>();
        if (o.ValueCodeableConcept is { } v) concepts.Add(v);
        concepts.AddRange(o.Interpretation ?? []);
        var texts = concepts.SelectMany(c => c.Texts()).Append(o.ValueString ?? "").Where(t => t.Length > 0).ToList();

        if (concepts.Any(neg.ContainsAny) || texts.Any(neg.MatchesText)) return concepts.Any(pos.ContainsAny) ? true : false;
        if (concepts.Any(pos.ContainsAny) || texts.Any(pos.MatchesText)) return true;
        if (o.ValueBoolean is { } b) return b;
        return null;
    }
}
