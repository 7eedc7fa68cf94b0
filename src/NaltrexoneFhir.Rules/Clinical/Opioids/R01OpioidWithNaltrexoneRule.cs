using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R01 · opioid-coprescription · critical                                  Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the patient has an active opioid agonist or partial agonist
///      (active/on-hold MedicationRequest, active/intended MedicationStatement, or a draft opioid in the same session)
/// Then critical: risk of severe precipitated withdrawal. Suggest removing the naltrexone draft.
/// Source: oral label contraindications 1–2 [DC-NTX]; Vivitrol highlights [VIV-HL].
public sealed class R01OpioidWithNaltrexoneRule : Rule
{
    public override string Id => "R01";
    public override string Concern => Concerns.OpioidCoprescription;
    public override string Title => "Naltrexone ordered for a patient on an active opioid";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.OralLabelContraindications, ClinicalSources.VivitrolHighlights];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var opioids = ExposureQueries.ActiveOpioids(ctx);
        if (opioids.Count == 0) return;
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var first = opioids[0];
            var notes = opioids.Where(o => o.Class.FromText).Select(o => Text.ClassifiedNote(o.Class)).ToList();
            if (ntx.Class.FromText) notes.Add(Text.ClassifiedNote(ntx.Class));
            findings.Add(Found(Indicators.Critical,
                $"Naltrexone ordered while on {Text.Clip(first.Label, 50)} ({(first.IsDraft ? "draft" : "active")}): risk of severe precipitated withdrawal",
                [$"Draft order: {ntx.Label} ({ntx.Reference})", .. opioids.Select(o => $"Opioid: {o.Label} — {o.Description} ({o.Reference})")],
                ["Do not start naltrexone while the patient takes opioids.",
                 "Stop the opioid and wait out the opioid-free interval (7–10 days short-acting, up to 14 days methadone/buprenorphine), or choose another treatment."],
                [Orders.RemoveDraft(ntx, recommended: true)], notes, weight: 10));
        }
    }
}
