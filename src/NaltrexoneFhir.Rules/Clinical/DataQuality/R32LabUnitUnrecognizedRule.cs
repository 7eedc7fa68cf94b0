using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.DataQuality;

/// R32 · lab-unit-unrecognized · info                                      Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND an ALT/AST/bilirubin result in the lookback has a unit the service
///      cannot convert and no reference range in the same unit
/// Then info: that result was not used in the liver checks; check it manually.
/// Source: clinical-reference §2.6 unit handling.
public sealed class R32LabUnitUnrecognizedRule : Rule
{
    public override string Id => "R32";
    public override string Concern => Concerns.LabUnitUnrecognized;
    public override string Title => "Lab result unit not recognised";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverTox];

    public override IEnumerable<Finding> Evaluate(RuleContext ctx)
    {
        var labs = ctx.Memo(LiverLabAssessment.Of);
        if (labs.Unreadable.Count == 0) yield break;
        var first = labs.Unreadable[0];
        yield return Found(Indicators.Info,
            $"{first.Analyte.ToString().ToUpperInvariant()} result in unit '{Text.Clip(first.Unit ?? "none", 20)}' ({Text.Date(first.When)}) could not be interpreted; not used",
            labs.Unreadable.Select(u => $"{u.Observation.Code.Label("lab")}: {u.Observation.ValueQuantity?.Value} '{u.Unit ?? "no unit"}' on {Text.Date(u.When)} (Observation/{u.Observation.Id})").ToList(),
            ["Check this result manually; it was not used in the liver checks."]);
    }
}
