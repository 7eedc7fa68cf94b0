using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R02 · opioid-coprescription · critical                                  Hooks: order-select, order-sign
/// When a draft opioid is ordered AND the patient is on naltrexone (active oral naltrexone or naltrexone/bupropion,
///      extended-release naltrexone ordered or given within 35 days, or a naltrexone draft in the same session)
/// Then critical: the opioid is blocked (poor analgesia); overriding the block with higher doses risks overdose.
/// Source: Vivitrol label §7 [openFDA-VIV], 5.6 [VIV-5.x]; ASAM 2015 [ASAM-2015].
public sealed class R02OpioidWhileOnNaltrexoneRule : Rule
{
    public override string Id => "R02";
    public override string Concern => Concerns.OpioidCoprescription;
    public override string Title => "Opioid ordered for a patient on naltrexone";
    public override string DefaultIndicator => Indicators.Critical;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolInteractions, ClinicalSources.VivitrolWarnings, ClinicalSources.Asam2015];
    public override bool IsTriggered(TriggerContext context) => context.HasOpioidTrigger;

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var ntx = ExposureQueries.ActiveNaltrexone(ctx);
        if (ntx.Count == 0) return;
        foreach (var opioid in ctx.OpioidTriggers)
        {
            var first = ntx[0];
            var notes = ntx.Where(n => n.Class.FromText).Select(n => Text.ClassifiedNote(n.Class)).ToList();
            if (opioid.Class.FromText) notes.Add(Text.ClassifiedNote(opioid.Class));
            findings.Add(Found(Indicators.Critical,
                $"{Text.Clip(opioid.Label, 45)} ordered while on {Text.Clip(first.Label, 35)}: opioid blocked; overdose risk if dose raised",
                [$"Draft order: {opioid.Label} ({opioid.Reference})", .. ntx.Select(n => $"Naltrexone: {n.Label} — {n.Description} ({n.Reference})")],
                ["Use non-opioid or regional analgesia.",
                 "If an opioid is essential, give it only with continuous monitoring in an anaesthesia care setting; do not escalate doses to overcome the blockade."],
                [Orders.RemoveDraft(opioid, recommended: true)], notes, weight: 9));
        }
    }
}
