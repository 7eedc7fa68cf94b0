using NaltrexoneFhir.Fhir.Model;
using NaltrexoneFhir.Fhir.Querying;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// <summary>Reads qualitative urine screen results: negative wording is checked first ("not detected" contains "detected").</summary>
public static class UrineScreens
{
    public static IReadOnlyList<Observation> OpioidScreens(RuleContext ctx)
    {
        return Common.Observations.In(ctx, ValueSetUrls.UrineOpioidScreens);
    }

    /// <summary>Positive (true), negative (false) or not determinable (null); see <see cref="Common.QualitativeResults"/>.</summary>
    public static bool? IsPositive(RuleContext ctx, Observation o) => Common.QualitativeResults.IsPositive(ctx, o);
}
