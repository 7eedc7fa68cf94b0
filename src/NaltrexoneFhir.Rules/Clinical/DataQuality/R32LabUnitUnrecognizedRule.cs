using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Clinical.Populations;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.DataQuality;

/// R32 · lab-unit-unrecognized · info                                      Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND an ALT/AST/bilirubin result in the lookback has a unit the service
///      cannot convert and no reference range in the same unit, or an eGFR result in the lookback is not in
///      mL/min/1.73 m² (a missing unit is not assumed)
/// Then info: that result was not used in the liver or kidney checks; check it manually.
/// Source: clinical-reference §2.6 unit handling.
public sealed class R32LabUnitUnrecognizedRule : Rule
{
    public override string Id => "R32";
    public override string Concern => Concerns.LabUnitUnrecognized;
    public override string Title => "Lab result unit not recognised";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.LiverLabs, DataKeys.RenalLabs];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.LiverTox, ClinicalSources.EgfrCategories];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var unreadable = ctx.Memo(LiverLabAssessment.Of).Unreadable.Concat(ctx.Memo(RenalFunction.Of).Unreadable).ToList();
        if (unreadable.Count == 0) return;
        var first = unreadable[0];
        findings.Add(Found(Indicators.Info,
            $"{Name(first.Analyte)} result in unit '{Text.Clip(first.Unit ?? "none", 20)}' ({Text.Date(first.When)}) could not be interpreted; not used",
            unreadable.Select(u => $"{u.Observation.Code.Label("lab")}: {u.Observation.ValueQuantity?.Value} '{u.Unit ?? "no unit"}' on {Text.Date(u.When)} (Observation/{u.Observation.Id})").ToList(),
            ["Check this result manually; it was not used in the liver or kidney checks."]));
    }

    private static string Name(Analyte a) => a switch { Analyte.Egfr => "eGFR", Analyte.Bilirubin => "Bilirubin", _ => a.ToString().ToUpperInvariant() };
}
