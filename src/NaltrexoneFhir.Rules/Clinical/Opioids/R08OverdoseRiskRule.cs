using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Opioids;

/// R08 · overdose-risk · info                                              Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the indication is opioid use disorder (the draft's reason, or an
///      OUD condition active or in remission on record), OR the draft is extended-release naltrexone (any indication)
/// Then info: after naltrexone wears off or stops, opioid tolerance is lower and previously tolerated doses can be
///      fatal; counsel the patient and caregivers. Suggest prescribing naloxone nasal spray (RxNorm 1725059) unless
///      an active naloxone order or a naloxone draft is already there.
/// Source: Vivitrol 2.2 / 5.1 (12/2025: naloxone at every injection) [VIV-2.2]; oral label [PP-NTX].
public sealed class R08OverdoseRiskRule : Rule
{
    public override string Id => "R08";
    public override string Concern => Concerns.OverdoseRisk;
    public override string Title => "Overdose risk after naltrexone: counsel and co-prescribe naloxone";
    public override string DefaultIndicator => Indicators.Info;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.Conditions, DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolOverdose, ClinicalSources.OralLabelDosing];

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var naloxone = ExposureQueries.ActiveOfKind(ctx, MedicationKind.RelatedOpioidAntagonist);
        foreach (var ntx in ctx.NaltrexoneTriggers)
        {
            var oud = IndicationQueries.OudEvidence(ctx, ntx);
            var xr = ntx.Class.Has(MedicationKind.NaltrexoneExtendedRelease);
            if (oud.Count == 0 && !xr) continue;
            var evidence = new List<string> { $"Draft order: {ntx.Label} ({ntx.Reference})" };
            evidence.AddRange(oud);
            if (xr) evidence.Add("Extended-release naltrexone: the blockade wanes at the end of each dosing interval or after a missed dose.");
            evidence.AddRange(naloxone.Select(n => $"Naloxone already prescribed: {n.Label} — {n.Description} ({n.Reference})"));
            findings.Add(Found(Indicators.Info,
                "After naltrexone wears off or stops, opioid tolerance is lower: overdose risk; counsel and prescribe naloxone",
                evidence,
                ["Tell the patient and caregivers that previously tolerated opioid doses can be fatal after naltrexone stops or at the end of a dosing interval, and that trying to overcome the blockade with large opioid doses can cause fatal overdose.",
                 naloxone.Count > 0 ? "Naloxone is already prescribed: check the patient has it." : "Prescribe an opioid overdose reversal agent (naloxone) and show how to use it."],
                naloxone.Count > 0 ? [] : [Orders.OrderNaloxone(ctx)]));
        }
    }
}
