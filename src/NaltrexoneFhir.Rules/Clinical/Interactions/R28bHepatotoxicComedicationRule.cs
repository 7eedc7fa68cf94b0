using NaltrexoneFhir.Hooks;
using NaltrexoneFhir.Rules.Clinical.Common;
using NaltrexoneFhir.Rules.Data;
using NaltrexoneFhir.Rules.Engine;
using NaltrexoneFhir.Terminology;

namespace NaltrexoneFhir.Rules.Clinical.Interactions;

/// R28b · hepatotoxicity · warning                                         Hooks: order-select, order-sign
/// When a draft naltrexone product is ordered AND the patient takes (or is being ordered) disulfiram or another
///      hepatotoxic co-medication (value set hepatotoxic-comedications), OR such a drug is ordered while the patient
///      is on naltrexone
/// Then warning (hepatotoxicity): two potentially hepatotoxic drugs; the labels note that reported liver
///      dysfunction often had other causes, including other hepatotoxic drugs. Monitor liver tests; suggest a panel.
/// Source: Vivitrol 5.4 and oral label hepatotoxicity warnings [VIV-5.x]; [PDR]; LiverTox.
public sealed class R28bHepatotoxicComedicationRule : Rule
{
    public override string Id => "R28b";
    public override string Concern => Concerns.Hepatotoxicity;
    public override string Title => "Naltrexone with disulfiram or another hepatotoxic co-medication";
    public override string DefaultIndicator => Indicators.Warning;
    public override IReadOnlyList<string> Needs { get; } = [DataKeys.MedicationRequests, DataKeys.MedicationStatements];
    public override IReadOnlyList<ClinicalSource> Sources { get; } = [ClinicalSources.VivitrolWarnings, ClinicalSources.DosingSchedules, ClinicalSources.LiverTox];
    public override bool IsTriggered(TriggerContext context) =>
        context.HasNaltrexoneTrigger || context.Triggers.Any(d => d.Class.Has(MedicationKind.Hepatotoxic));

    public override void Evaluate(RuleContext ctx, FindingSink findings)
    {
        var hepatotoxic = ExposureQueries.ActiveOfKind(ctx, MedicationKind.Hepatotoxic);
        if (ctx.NaltrexoneTriggers.Any())
        {
            if (hepatotoxic.Count == 0) return;
            foreach (var ntx in ctx.NaltrexoneTriggers)
                findings.Add(Make(ctx, ntx.Label, Text.Named(ctx, ValueSetUrls.HepatotoxicComedications, hepatotoxic[0].Label),
                    [$"Draft order: {ntx.Label} ({ntx.Reference})", .. hepatotoxic.Select(h => $"Hepatotoxic co-medication: {h.Label} — {h.Description} ({h.Reference})")],
                    hepatotoxic.Select(h => h.Class).Append(ntx.Class)));
            return;
        }
        var ntxActive = ExposureQueries.ActiveNaltrexone(ctx, includeDrafts: false);
        if (ntxActive.Count == 0) return;
        foreach (var draft in ctx.Data.TriggerDrafts.Where(d => d.Class.Has(MedicationKind.Hepatotoxic)))
            findings.Add(Make(ctx, ntxActive[0].Label, Text.Named(ctx, ValueSetUrls.HepatotoxicComedications, draft.Label),
                [$"Draft order: {draft.Label} ({draft.Reference})", .. ntxActive.Select(n => $"Naltrexone: {n.Label} — {n.Description} ({n.Reference})")],
                ntxActive.Select(n => n.Class).Append(draft.Class)));
    }

    private Finding Make(RuleContext ctx, string ntx, string other, IReadOnlyList<string> evidence, IEnumerable<MedicationClassification> classes) =>
        Found(Indicators.Warning,
            $"{other} with {Text.Short(ntx, 30)}: two potentially hepatotoxic drugs; monitor liver tests",
            evidence,
            ["Weigh the benefit of combining two potentially hepatotoxic drugs; check baseline liver tests and monitor them during treatment.",
             "Stop naltrexone if symptoms or signs of acute hepatitis appear."],
            [Orders.OrderHepaticPanel(ctx, $"Liver monitoring: naltrexone with {Text.Clip(other, 40)}")],
            classes.Where(c => c.FromText).Select(Text.ClassifiedNote).Distinct().ToList(), weight: 1);
}
