using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Allergy;

/// R26 · allergy · info                                                    Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND an active, not refuted allergy to naloxone or nalmefene is on record
///      (value set related-opioid-antagonists, by code or text; "naloxone" text also matches combination products
///      such as buprenorphine/naloxone, which the card says)
/// Then info: cross-sensitivity with naltrexone is not known; review the reaction history.
/// Source: oral label ("not known if there is cross-sensitivity") [DC-NTX].
public sealed class R26RelatedAntagonistAllergyRule : Rule
{
    public override string Id => "R26";
    public override string Concern => Concerns.Allergy;
    public override string Title => "Allergy to a related opioid antagonist (naloxone, nalmefene)";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Allergies];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabelContraindications];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var matches = NaltrexoneAllergies.ToRelatedAntagonists(ctx);
        if (matches.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
            findings.Add(Found(Indicators.Info,
                $"Allergy to {Text.Clip(matches[0].Substance, 40)}: cross-sensitivity with naltrexone is not known",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. matches.Select(m => $"Allergy: {m.Describe()}")],
                ["Review the reaction history before starting naltrexone.",
                 "If the allergy was recorded against a combination product (e.g. buprenorphine/naloxone), check which ingredient caused it."]));
    }
}
