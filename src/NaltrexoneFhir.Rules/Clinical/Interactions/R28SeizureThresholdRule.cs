using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Interactions;

/// R28 · seizure-risk · warning                                            Hooks: order-select, order-sign
/// When a draft naltrexone/bupropion is ordered AND the patient takes (or is being ordered) tramadol or another
///      seizure-threshold-lowering drug (value set seizure-threshold-lowering: tramadol, bupropion, theophylline,
///      clozapine, chlorpromazine; the bupropion inside naltrexone/bupropion itself does not count), OR such a drug is
///      ordered while naltrexone/bupropion is active
/// Then warning: bupropion lowers the seizure threshold and the other drug adds seizure risk; avoid the combination.
/// Source: Contrave label [CONTRAVE]; Contrave + tramadol (secondary) [CONTRAVE-TRAMADOL]; contraindications [CONTRAVE-CI].
public sealed class R28SeizureThresholdRule : Rule
{
    public override string Id => "R28";
    public override string Concern => Concerns.SeizureRisk;
    public override string Title => "Naltrexone/bupropion with tramadol or another seizure-threshold-lowering drug";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.Contrave, ClinicalSources.ContraveTramadol, ClinicalSources.ContraveContraindications];
    public override bool IsTriggered(TriggerContext context) =>
        context.Triggers.Any(d => d.Class.Has(MedicationKind.NaltrexoneBupropion) || d.Class.Has(MedicationKind.SeizureThresholdLowering));

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var lowering = ExposureQueries.ActiveOfKind(ctx, MedicationKind.SeizureThresholdLowering);
        var contraveDrafts = ctx.Data.TriggerDrafts.Where(d => d.Class.Has(MedicationKind.NaltrexoneBupropion)).ToList();
        if (contraveDrafts.Count > 0 && lowering.Count > 0)
        {
            foreach (var draft in contraveDrafts)
                findings.Add(Make(draft.Label, Text.Named(ctx, ValueSetUrls.SeizureThresholdLowering, lowering[0].Label),
                    [$"Draft order: {draft.Label} ({draft.Reference})", .. lowering.Select(l => $"Seizure-threshold-lowering drug: {l.Label} — {l.Description} ({l.Reference})")],
                    [Orders.RemoveDraft(draft)], lowering.Select(l => l.Class).Append(draft.Class)));
            return;
        }
        var contrave = ExposureQueries.ActiveOfKind(ctx, MedicationKind.NaltrexoneBupropion, includeDrafts: false);
        if (contrave.Count == 0) return;
        foreach (var draft in ctx.Data.TriggerDrafts.Where(d => d.Class.Has(MedicationKind.SeizureThresholdLowering)))
            findings.Add(Make(contrave[0].Label, Text.Named(ctx, ValueSetUrls.SeizureThresholdLowering, draft.Label),
                [$"Draft order: {draft.Label} ({draft.Reference})", .. contrave.Select(c => $"Naltrexone/bupropion: {c.Label} — {c.Description} ({c.Reference})")],
                [Orders.RemoveDraft(draft)], contrave.Select(c => c.Class).Append(draft.Class)));
    }

    private Finding Make(string contrave, string other, IReadOnlyList<string> evidence, IReadOnlyList<SuggestionSpec> suggestions, IEnumerable<MedicationClassification> classes) =>
        Found(Indicators.Warning,
            $"{other} with naltrexone/bupropion: bupropion lowers the seizure threshold; avoid the combination",
            evidence,
            ["Avoid combining naltrexone/bupropion with tramadol or other drugs that lower the seizure threshold; choose an alternative for one of them.",
             "If both are essential, use the lowest doses and tell the patient about the seizure risk."],
            suggestions, classes.Where(c => c.FromText).Select(Text.ClassifiedNote).Distinct().ToList());
}
