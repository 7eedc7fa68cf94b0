using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Allergy;

/// R25 · allergy · critical                                                Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND an active, not refuted AllergyIntolerance (allergy or intolerance)
///      names naltrexone: RxNorm 7243, a naltrexone product code, or the text naltrexone / Vivitrol / ReVia / Contrave
/// Then critical: a history of sensitivity to naltrexone is a contraindication. Suggest removing the order.
/// Source: oral label contraindication 5 [DC-NTX]; Vivitrol contraindications [VIV-HL].
public sealed class R25NaltrexoneAllergyRule : Rule
{
    public override string Id => "R25";
    public override string Concern => Concerns.Allergy;
    public override string Title => "Documented naltrexone allergy or intolerance";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Allergies];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabelContraindications, ClinicalSources.VivitrolHighlights];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var matches = NaltrexoneAllergies.ToNaltrexone(ctx);
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Critical,
                $"Documented {Text.Clip(matches[0].Substance, 40)} {matches[0].Allergy.Type ?? "allergy"}: naltrexone is contraindicated",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => $"Allergy: {m.Describe()}")],
                ["Remove the order and choose an alternative (e.g. acamprosate for alcohol use disorder, agonist therapy for opioid use disorder)."],
                [Orders.RemoveDraft(ntx, recommended: true)], weight: 5));
    }
}
